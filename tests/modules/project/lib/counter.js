export let count = 1;
export function bump() {
  count += 1;
}
export const later = () => count * 10;
export default function () {
  return "default";
}
