import { killLeftoverProcesses } from './helpers/child-processes';

// Registered for every test file (jest.config.js): after its own afterAll hooks, nothing it started may be left.
afterAll(async () => {
  const leftovers = await killLeftoverProcesses();
  if (leftovers.length > 0) throw new Error(`this test file left processes running (killed now): ${leftovers.join('; ')}`);
});
