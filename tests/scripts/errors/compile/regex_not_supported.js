const r = /ab+c/;
// expect error: 1:11: regular expression literals are not supported
