/*
 * tests/fuzz/fuzz_config.c: libFuzzer target for config_parse. A parsed
 * config must satisfy the documented invariants; a refused one must come
 * with a message naming the file. Anything else abort()s.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(const struct config *cfg)
{
	size_t i;

	if (cfg->state_dir == NULL || cfg->state_dir[0] != '/' ||
	    cfg->socket == NULL || cfg->socket[0] != '/' ||
	    strlen(cfg->socket) > CONFIG_MAX_SOCKET_PATH ||
	    cfg->admin_socket == NULL || cfg->admin_socket[0] != '/' ||
	    strlen(cfg->admin_socket) > CONFIG_MAX_SOCKET_PATH ||
	    strcmp(cfg->socket, cfg->admin_socket) == 0)
		abort();
	if (cfg->kdf_memory_kib < 8 || cfg->kdf_memory_kib > 4194304 ||
	    cfg->kdf_iterations < 1 || cfg->kdf_iterations > 100 ||
	    cfg->audit_retention_days < CONFIG_MIN_RETENTION ||
	    cfg->workers > 64 || cfg->queue_max < 1 ||
	    (cfg->otp != CONFIG_OTP_REQUIRED && cfg->otp != CONFIG_OTP_OFF) ||
	    (cfg->two_person_rule != 0 && cfg->two_person_rule != 1))
		abort();
	if (cfg->nservices > CONFIG_MAX_SERVICES ||
	    cfg->nradius_clients > CONFIG_MAX_RADIUS)
		abort();
	for (i = 0; i < cfg->nservices; i++)
		if (cfg->services[i].name == NULL ||
		    config_service_otp(cfg, cfg->services[i].name) !=
		    cfg->services[i].otp)
			abort();
	for (i = 0; i < cfg->nradius_clients; i++)
		if (cfg->radius_clients[i].name == NULL ||
		    cfg->radius_clients[i].address == NULL ||
		    cfg->radius_clients[i].secret == NULL ||
		    strlen(cfg->radius_clients[i].secret) < CONFIG_MIN_SECRET)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *cfg = NULL;
	char err[256];

	err[0] = 'X';
	if (config_parse("fuzz.conf", (const char *)data, size, &cfg, err,
	    sizeof(err)) == 0) {
		if (cfg == NULL)
			abort();
		check(cfg);
		config_free(&cfg);
		if (cfg != NULL)
			abort();
	} else if (cfg != NULL || strncmp(err, "fuzz.conf", 9) != 0 ||
	    memchr(err, '\0', sizeof(err)) == NULL)
		abort();
	return 0;
}
