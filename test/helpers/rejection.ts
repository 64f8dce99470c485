/** What the promise rejected with; fails the test when it resolves. Typed loosely: tests read provider-specific fields. */
export async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
