#!/usr/bin/perl
# wire.pl SOCKET [TIMEOUT]: send stdin's bytes as they are to an authd socket,
# print every line authd sends until it closes or TIMEOUT (default 3) seconds pass.
use strict;
use warnings;
use IO::Socket::UNIX;
use IO::Select;

my ($path, $timeout) = @ARGV;
$timeout //= 3;
my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $path)
    or die "connect $path: $!\n";
binmode STDIN;
local $/;
my $data = <STDIN> // '';
$s->syswrite($data) if length $data;
my $sel = IO::Select->new($s);
my $buf = '';
while ($sel->can_read($timeout)) {
	my $n = $s->sysread($buf, 65536, length $buf);
	last if !$n;
}
print $buf;
