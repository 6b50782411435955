/**
 * The local issuer's users, one item each in the catalog table (`keys.user(name)`), with a
 * salted scrypt hash. In AWS, Cognito holds the users instead and this store is unused.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { keys } from '../../domain/catalog-table.ts';
import { checkNewPassword } from './passwords.ts';
import { hashPassword } from '../../domain/password-hash.ts';
import { USERNAME_PATTERN, type Role } from './roles.ts';

export interface UserRecord {
  username: string;
  role: Role;
  passwordHash: string;
  createdAt: string;
}

export class UserExists extends Error {
  override name = 'UserExists';
}
export class UsernameInvalid extends Error {
  override name = 'UsernameInvalid';
}

export interface UserStore {
  find(username: string): Promise<UserRecord | undefined>;
  /** Throws `UsernameInvalid`, `PasswordTooWeak` (fewer than 12 characters) or `UserExists`. */
  add(user: { username: string; role: Role; password: string; replace?: boolean }): Promise<UserRecord>;
}

export function dynamoUserStore(client: () => DynamoDBDocumentClient, tableName: string): UserStore {
  return {
    async find(username) {
      if (!USERNAME_PATTERN.test(username)) return undefined;
      const { Item } = await client().send(new GetCommand({ TableName: tableName, Key: keys.user(username) }));
      if (!Item) return undefined;
      const record = Item as UserRecord;
      return { username: record.username, role: record.role, passwordHash: record.passwordHash, createdAt: record.createdAt };
    },
    async add({ username, role, password, replace }) {
      if (!USERNAME_PATTERN.test(username)) {
        throw new UsernameInvalid(`User name '${username}' is not valid: use 1-64 lowercase letters, digits, '.', '_', '@' or '-', starting with a letter or digit.`);
      }
      checkNewPassword(password);
      const user: UserRecord = { username, role, passwordHash: await hashPassword(password), createdAt: new Date().toISOString() };
      try {
        await client().send(
          new PutCommand({
            TableName: tableName,
            Item: { ...keys.user(username), ...user },
            ...(replace ? {} : { ConditionExpression: 'attribute_not_exists(pk)' }),
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          throw new UserExists(`User '${username}' already exists. Pass --replace to set a new password and role.`);
        }
        throw error;
      }
      return user;
    },
  };
}
