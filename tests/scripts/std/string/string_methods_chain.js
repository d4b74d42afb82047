const slug = "  Hello World From Kitwork  ".trim().toLowerCase().split(" ").join("-");
console.log(slug);

// expect: hello-world-from-kitwork
