// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
// Different routes in and out of business hours (UTC), and at month end.
function FindProxyForURL(url, host) {
    if (dateRange(28, 31, "GMT") && timeRange(22, 23, "GMT"))
        return "PROXY batch.example.com:3128";
    if (weekdayRange("MON", "FRI", "GMT") && timeRange(8, 0, 17, 59, "GMT"))
        return "PROXY office.example.com:3128";
    return "PROXY night.example.com:3128; DIRECT";
}
