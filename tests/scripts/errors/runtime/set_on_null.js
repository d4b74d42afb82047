let target = null;
target.x = 1;
// expect runtime error: TypeError: Cannot set properties of null (setting 'x')
