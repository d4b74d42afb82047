
console.log(`a\tb \` \${not} $ {x}`);

// expect: a	b ` ${not} $ {x}
