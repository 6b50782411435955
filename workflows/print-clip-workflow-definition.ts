/**
 * Prints the clip workflow's resolved ASL as JSON on stdout (see synthesized-definition.ts).
 * The local runtime runs this in a child process, so the CDK libraries (a few hundred MB
 * resident) are never loaded into the long-running runtime itself.
 */
import { synthesizeClipWorkflowDefinition } from './synthesized-definition.ts';

process.stdout.write(JSON.stringify(synthesizeClipWorkflowDefinition().asl));
