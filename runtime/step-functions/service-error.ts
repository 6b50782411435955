/**
 * An error of the Step Functions API, named as AWS names it, so `@aws-sdk/client-sfn`
 * throws its class of the same name (`ExecutionAlreadyExists`, `ExecutionDoesNotExist`…).
 */
export class ServiceError extends Error {
  constructor(
    /** The AWS error code, e.g. `ExecutionDoesNotExist`. */
    readonly code: string,
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message);
    this.name = code;
  }
}
