/* admin/qr.c: draw a QR code with UTF-8 half blocks (libqrencode). */
#include <stdio.h>

#include <qrencode.h>

#include "qr.h"
#include "wipe.h"

#define QR_QUIET	4	/* modules of light margin on every side */

/* 1 if the module at (x, y) of the code is dark; the quiet zone is light. */
static int
qr_dark(const QRcode *q, int x, int y)
{
	x -= QR_QUIET;
	y -= QR_QUIET;
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return 0;
	return q->data[y * q->width + x] & 1;
}

int
qr_print(FILE *f, const char *text)
{
	/* foreground white draws light modules; background black is dark */
	static const char *const glyph[4] = {
		"\xe2\x96\x88",	/* both light: full block */
		"\xe2\x96\x80",	/* top light, bottom dark: upper half */
		"\xe2\x96\x84",	/* top dark, bottom light: lower half */
		" ",		/* both dark */
	};
	QRcode *q;
	int x, y, size;

	if ((q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) ==
	    NULL)
		return -1;
	size = q->width + 2 * QR_QUIET;
	for (y = 0; y < size; y += 2) {
		fputs("\033[40;37m", f);
		for (x = 0; x < size; x++)
			fputs(glyph[qr_dark(q, x, y) * 2 +
			    (y + 1 < size ? qr_dark(q, x, y + 1) : 0)], f);
		fputs("\033[0m\n", f);
	}
	/* the code holds the TOTP secret */
	wipe(q->data, (size_t)q->width * (size_t)q->width);
	QRcode_free(q);
	return 0;
}
