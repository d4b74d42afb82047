console.log("Kit".upper(), "Kit".lower(), "añ😀".len(), "".len());
// expect: KIT kit 4 0
