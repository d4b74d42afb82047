const a = [1, 2;
// expect error: 1:16: expected `,` or `]` in the array literal, found `;`
