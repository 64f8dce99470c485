import Koa from 'koa';
import { request } from 'node:http';
import { InFlightRequests } from '../../api/middleware/in-flight';
import { listen } from '../helpers/http';

test('a handler whose client hung up is still counted after the server has closed, until it finishes', async () => {
  const inFlight = new InFlightRequests();
  let handlerStarted!: () => void;
  const started = new Promise<void>((resolve) => (handlerStarted = resolve));
  let finishHandler!: () => void;
  const app = new Koa();
  app.use(inFlight.middleware);
  app.use(async (ctx) => {
    handlerStarted();
    await new Promise<void>((resolve) => (finishHandler = resolve));
    ctx.body = 'late';
  });
  const server = await listen(app);
  const hungUp = request(`${server.url}/slow`);
  hungUp.on('error', () => undefined);
  hungUp.end();
  await started;
  hungUp.destroy();
  await server.close();

  expect(inFlight.size).toBe(1);
  expect(await inFlight.settled(50)).toBe(false);
  const settled = inFlight.settled(5_000);
  finishHandler();
  expect(await settled).toBe(true);
  expect(inFlight.size).toBe(0);
});

test('settled resolves at once when nothing is running', async () => {
  expect(await new InFlightRequests().settled(0)).toBe(true);
});
