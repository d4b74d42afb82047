console.log("before");
throw new Error("boom");
// expect: before
// expect runtime error: Error: boom
