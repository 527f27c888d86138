/* tests/fuzz/fuzz_policy.c: policy_check on arbitrary bytes (passwords and names are untrusted). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *pw, *user, msg[1024];
	size_t split, i;

	if (size == 0)
		return 0;
	/* first byte: where the user name ends; then name, then password */
	split = data[0] % (size > 1 ? size : 1);
	if ((user = malloc(split + 1)) == NULL)
		return 0;
	if ((pw = malloc(size)) == NULL) {
		free(user);
		return 0;
	}
	memcpy(user, data + 1, split > size - 1 ? size - 1 : split);
	user[split > size - 1 ? size - 1 : split] = '\0';
	memcpy(pw, data + 1 + strlen(user), size - 1 - strlen(user));
	pw[size - 1 - strlen(user)] = '\0';
	for (i = 0; i < policy_builtin_count(); i++) {
		if (policy_check(policy_builtin(i), user, pw, msg, sizeof(msg)) != 0 &&
		    msg[0] == '\0')
			abort();	/* a refusal always says why */
		if (strlen(pw) > 3 && strstr(msg, pw) != NULL && strlen(pw) > 40)
			abort();	/* the message never echoes the password */
	}
	free(user);
	free(pw);
	return 0;
}
