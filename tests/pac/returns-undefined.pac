// A script that forgets to return for some hosts.
function FindProxyForURL(url, host) {
    if (dnsDomainIs(host, ".example.com"))
        return "DIRECT";
}
