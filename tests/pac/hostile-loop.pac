// Never returns.
function FindProxyForURL(url, host) {
    var i = 0;
    for (;;) { i++; }
}
