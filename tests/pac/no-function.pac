// A typo in the function's name: there is no FindProxyForURL.
function findProxyForUrl(url, host) {
    return "PROXY proxy.example.com:3128";
}
