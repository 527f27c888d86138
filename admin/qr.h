/* admin/qr.h: a QR code on the terminal, for enrolling a soft TOTP token. */
#ifndef ADMIN_QR_H
#define ADMIN_QR_H

#include <stdio.h>

/*
 * Print text as a QR code (libqrencode) drawn with UTF-8 half blocks, two
 * module rows per line, inside a quiet zone, forced black on white with ANSI
 * colours so it scans on dark and light terminals alike.
 * Returns 0, or -1 when the text cannot be encoded.
 */
int	qr_print(FILE *f, const char *text);

#endif
