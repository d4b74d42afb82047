export const value = await new Promise(() => {});
