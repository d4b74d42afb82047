const grid = [[1, 2], [3, 4]];
grid[1][0] = 30;
console.log(grid, grid[1][0], grid.length);

// expect: [ [ 1, 2 ], [ 30, 4 ] ] 30 2
