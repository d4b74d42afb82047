const words = ["apple", "avocado", "banana", "blueberry", "cherry"];
const byLetter = words.reduce((acc, w) => { (acc[w[0]] ||= []).push(w); return acc; }, {});
console.log(byLetter);

// expect: {
// expect:   a: [ 'apple', 'avocado' ],
// expect:   b: [ 'banana', 'blueberry' ],
// expect:   c: [ 'cherry' ]
// expect: }
