const csv = "id,name,score\n1,ann,9.5\n2,bob,7";
const rows = csv.split("\n").map(line => line.split(","));
console.log(rows, rows.map(r => r.join("|")).join(";"));

// expect: [
// expect:   [ 'id', 'name', 'score' ],
// expect:   [ '1', 'ann', '9.5' ],
// expect:   [ '2', 'bob', '7' ]
// expect: ] id|name|score;1|ann|9.5;2|bob|7
