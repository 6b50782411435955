/**
 * The ASL a state machine is registered with, and the copy the local engine
 * (aws-local-stepfunctions) runs. The copy differs only where the engine departs from AWS:
 *
 * - A Task without `TimeoutSeconds`/`TimeoutSecondsPath` gets `TimeoutSeconds: 2147483`
 *   (24.8 days, the longest delay Node's `setTimeout` accepts). The engine otherwise times
 *   every such Task out after 60 s (`DEFAULT_TIMEOUT_SECONDS` in its TaskStateAction), while
 *   AWS's default is 99999999 s, i.e. none. History events still show the original timeout.
 * - `ResultPath: "$"` (on a state or a catcher) is dropped: it means "the result replaces
 *   the input", which is what the engine does without a ResultPath, whereas the engine
 *   writes a key named `$` for it.
 *
 * A redrive runs a further copy that starts at the state to run again (see
 * `redriveDefinition`).
 */

export type AslState = Record<string, unknown> & { Type: string };
export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
  [field: string]: unknown;
}

/** Longest `setTimeout` delay in whole seconds (2^31 - 1 ms). */
export const UNLIMITED_TASK_TIMEOUT_SECONDS = 2_147_483;

/** Name of the Pass state a redrive copy starts with; its events are not recorded. */
export const REDRIVE_ENTRY_STATE = 'camflow:redrive-entry';

export interface StateInfo {
  name: string;
  type: string;
  state: AslState;
  /** The Parallel or Map state whose branch/iterator holds this state; undefined at top level. */
  parent?: string;
  /** Which branch of the parent Parallel (0-based). */
  branch?: number;
}

function nestedDefinitions(state: AslState): AslDefinition[] {
  if (state.Type === 'Parallel') return (state.Branches as AslDefinition[] | undefined) ?? [];
  if (state.Type === 'Map') {
    const processor = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
    return processor ? [processor] : [];
  }
  return [];
}

/** Every state of the machine, nested ones included (state names are unique across a machine). */
export function indexStates(definition: AslDefinition): Map<string, StateInfo> {
  const index = new Map<string, StateInfo>();
  const visit = (machine: AslDefinition, parent?: string, branch?: number) => {
    for (const [name, state] of Object.entries(machine.States ?? {})) {
      if (index.has(name)) throw new Error(`State name "${name}" is used twice; ASL state names must be unique`);
      index.set(name, { name, type: state.Type, state, parent, branch });
      nestedDefinitions(state).forEach((nested, i) => visit(nested, name, i));
    }
  };
  visit(definition);
  return index;
}

/** The top-level state that contains `stateName` (itself when it is top-level). */
export function topLevelStateOf(index: Map<string, StateInfo>, stateName: string): string {
  let info = index.get(stateName);
  let name = stateName;
  while (info?.parent) {
    name = info.parent;
    info = index.get(name);
  }
  return name;
}

function prepareMachine(machine: AslDefinition): AslDefinition {
  const States: Record<string, AslState> = {};
  for (const [name, original] of Object.entries(machine.States)) {
    const state: AslState = { ...original };
    if (state.Type === 'Task' && state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
      state.TimeoutSeconds = UNLIMITED_TASK_TIMEOUT_SECONDS;
    }
    if (state.ResultPath === '$') delete state.ResultPath;
    if (Array.isArray(state.Catch)) {
      state.Catch = (state.Catch as Array<Record<string, unknown>>).map((catcher) => {
        const copy = { ...catcher };
        if (copy.ResultPath === '$') delete copy.ResultPath;
        return copy;
      });
    }
    if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
      state.Branches = (state.Branches as AslDefinition[]).map(prepareMachine);
    }
    if (state.Type === 'Map') {
      if (state.ItemProcessor) state.ItemProcessor = prepareMachine(state.ItemProcessor as AslDefinition);
      if (state.Iterator) state.Iterator = prepareMachine(state.Iterator as AslDefinition);
    }
    States[name] = state;
  }
  return { ...machine, States };
}

/** The copy of `definition` the engine runs (see the module comment). */
export function prepareForEngine(definition: AslDefinition): AslDefinition {
  return prepareMachine(JSON.parse(JSON.stringify(definition)) as AslDefinition);
}

/**
 * A copy of the engine definition that starts at `stateName` (a top-level state) with
 * `stateInput` as that state's input. It starts with a Pass state that outputs
 * `stateInput`, so the run's own input stays the execution's input (`$$.Execution.Input`
 * is right in the redriven part).
 */
export function redriveDefinition(engineDefinition: AslDefinition, stateName: string, stateInput: unknown): AslDefinition {
  if (!engineDefinition.States[stateName]) throw new Error(`State "${stateName}" is not a top-level state of this state machine`);
  return {
    ...engineDefinition,
    StartAt: REDRIVE_ENTRY_STATE,
    States: {
      [REDRIVE_ENTRY_STATE]: { Type: 'Pass', Result: { input: stateInput ?? null }, OutputPath: '$.input', Next: stateName },
      ...engineDefinition.States,
    },
  };
}
