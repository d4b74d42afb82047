throw { code: 7 };
// expect runtime error: { code: 7 }
