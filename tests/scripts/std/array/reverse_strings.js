console.log("hello".split("").reverse().join(""), [..."añb"].reverse().join(""));

// expect: olleh bña
