console.log("İstanbul".toLowerCase().length, "ǅ".toUpperCase(), "ÀÉÎ".toLowerCase(), "ß".toUpperCase().length);

// expect: 9 Ǆ àéî 2
