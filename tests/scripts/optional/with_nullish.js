const res = { data: null };
console.log(res.data?.items?.length ?? 0);

// expect: 0
