const r = /ab+c/;
const s = /\d+(\.\d*)?[/\]]/gi;
// expect error: 1:11: regular expression literals are not supported yet
// expect error: 2:11: regular expression literals are not supported yet
