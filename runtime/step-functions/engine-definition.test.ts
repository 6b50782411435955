import { describe, expect, it } from 'vitest';
import { indexStates, prepareForEngine, redriveDefinition, topLevelStateOf, UNLIMITED_TASK_TIMEOUT_SECONDS, type AslDefinition } from './engine-definition.ts';
import { runEngine, type EngineTaskHandler } from './engine-run.ts';
import type { EngineEvent } from './execution-history.ts';

const LAMBDA = 'arn:aws:lambda:us-east-1:000000000000:function:step';

const definition: AslDefinition = {
  StartAt: 'First',
  States: {
    First: { Type: 'Task', Resource: LAMBDA, ResultPath: '$', Next: 'Both' },
    Both: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Left', States: { Left: { Type: 'Task', Resource: LAMBDA, TimeoutSeconds: 30, End: true } } },
        { StartAt: 'Right', States: { Right: { Type: 'Task', Resource: LAMBDA, TimeoutSecondsPath: '$.timeout', End: true } } },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$', Next: 'Last' }],
      ResultPath: '$.both',
      Next: 'Last',
    },
    Last: { Type: 'Task', Resource: LAMBDA, Parameters: { 'input.$': '$$.Execution.Input', 'name.$': '$$.Execution.Name', 'state.$': '$' }, End: true },
  },
};

function run(machine: AslDefinition, input: unknown, handlers: Record<string, EngineTaskHandler>) {
  const events: Array<{ type: string; name?: string; fromRoot: boolean }> = [];
  const engine = runEngine({
    definition: machine,
    input,
    context: { Execution: { Name: 'clip-7', Id: 'arn:aws:states:us-east-1:000000000000:execution:m:clip-7' } },
    taskHandlers: handlers,
    onEvent: (event: EngineEvent, fromRoot) => events.push({ type: event.type, name: event.state?.name, fromRoot }),
  });
  return { result: engine.result, events };
}

describe('the definition the engine runs', () => {
  it("gives Tasks without a timeout the longest one instead of the engine's 60 s, and keeps the others", () => {
    const prepared = prepareForEngine(definition);
    const states = indexStates(prepared);
    expect(states.get('First')!.state.TimeoutSeconds).toBe(UNLIMITED_TASK_TIMEOUT_SECONDS);
    expect(states.get('Last')!.state.TimeoutSeconds).toBe(UNLIMITED_TASK_TIMEOUT_SECONDS);
    expect(states.get('Left')!.state.TimeoutSeconds).toBe(30);
    expect(states.get('Right')!.state.TimeoutSeconds).toBeUndefined();
    // 2^31 - 1 ms is the longest delay setTimeout takes; longer ones fire at once.
    expect(UNLIMITED_TASK_TIMEOUT_SECONDS * 1000).toBeLessThanOrEqual(2 ** 31 - 1);
    expect(definition.States.First!.TimeoutSeconds).toBeUndefined();
  });

  it('drops ResultPath "$" (the engine would write a key named "$")', () => {
    const prepared = prepareForEngine(definition);
    expect('ResultPath' in prepared.States.First!).toBe(false);
    expect((prepared.States.Both!.Catch as Array<Record<string, unknown>>)[0]).toEqual({ ErrorEquals: ['States.ALL'], Next: 'Last' });
    expect(definition.States.First!.ResultPath).toBe('$');
  });

  it('indexes nested states with their parent and branch', () => {
    const states = indexStates(definition);
    expect(states.get('Right')).toMatchObject({ type: 'Task', parent: 'Both', branch: 1 });
    expect(states.get('Both')!.parent).toBeUndefined();
    expect(topLevelStateOf(states, 'Left')).toBe('Both');
    expect(() => indexStates({ StartAt: 'A', States: { A: { Type: 'Parallel', Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }], End: true } } })).toThrow(/used twice/);
  });

  it('runs with ResultPath "$" replacing the input and the context object set', async () => {
    const seen: unknown[] = [];
    const { result, events } = run(
      prepareForEngine(definition),
      { clip: 'a' },
      {
        First: async () => ({ replaced: true, timeout: 5 }),
        Left: async () => 'left',
        Right: async () => 'right',
        Last: async (input) => {
          seen.push(input);
          return 'done';
        },
      },
    );
    expect(await result).toBe('done');
    expect(seen[0]).toEqual({ input: { clip: 'a' }, name: 'clip-7', state: { replaced: true, timeout: 5, both: ['left', 'right'] } });
    // Every state's events come once, branch states from their own run (not the root).
    expect(events.filter((event) => event.type === 'StateEntered').map((event) => [event.name, event.fromRoot])).toEqual([
      ['First', true],
      ['Both', true],
      ['Left', false],
      ['Right', false],
      ['Last', true],
    ]);
  });

  it("redrives from a state with the input it had, keeping $$.Execution.Input the execution's", async () => {
    const seen: unknown[] = [];
    const called: string[] = [];
    const handlers: Record<string, EngineTaskHandler> = {
      First: async () => {
        called.push('First');
        return {};
      },
      Left: async () => 'left',
      Right: async () => 'right',
      Last: async (input) => {
        called.push('Last');
        seen.push(input);
        return 'done';
      },
    };
    const copy = redriveDefinition(prepareForEngine(definition), 'Last', { where: 'Last had this' });
    const { result, events } = run(copy, { clip: 'original' }, handlers);
    expect(await result).toBe('done');
    expect(called).toEqual(['Last']);
    expect(seen[0]).toEqual({ input: { clip: 'original' }, name: 'clip-7', state: { where: 'Last had this' } });
    expect(events.filter((event) => event.type === 'StateEntered').map((event) => event.name)).toEqual(['camflow:redrive-entry', 'Last']);

    // A null state input reaches the state as null (a Task without Parameters gets it as is).
    let firstInput: unknown = 'not called';
    const fromNull = run(
      redriveDefinition(prepareForEngine(definition), 'First', null),
      { clip: 'original' },
      {
        ...handlers,
        First: async (input) => {
          firstInput = input;
          return { timeout: 5 };
        },
      },
    );
    expect(await fromNull.result).toBe('done');
    expect(firstInput).toBeNull();
    expect(() => redriveDefinition(definition, 'Left', {})).toThrow(/not a top-level state/);
  });
});
