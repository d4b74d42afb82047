let total = ;
const limit = 10;
limit = 11;
if (total > limit {
  console.log("over");
}
