// Answers with megabytes.
function FindProxyForURL(url, host) {
    var s = "PROXY a.example.com:1; ";
    while (s.length < 200000)
        s = s + s;
    return s;
}
