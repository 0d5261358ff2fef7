// Spins while being loaded, before FindProxyForURL is even called.
while (true) {}
function FindProxyForURL(url, host) { return "DIRECT"; }
