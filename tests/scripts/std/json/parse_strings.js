console.log(JSON.parse('"a\\nb"'), JSON.parse('"\\u00e9\\ud83d\\ude00"'), JSON.parse('"q\\"\\\\/"'), JSON.parse('"tab\\tend"').length);

// expect: a
// expect: b é😀 q"\/ 7
