// The first start of a namespace: database `dev`, schema `public` and the superuser `admin`
// (password from LAKESHIFT_ADMIN_PASSWORD, or generated and shown once), as a new Redshift
// Serverless namespace has them. Later starts find them and change nothing.
import { randomBytes } from 'node:crypto';
import { createScramVerifier } from '../security/scram.js';
import type { Lake } from '../storage/index.js';

export const DEFAULT_DATABASE = 'dev';
export const DEFAULT_SCHEMA = 'public';
export const ADMIN_USER = 'admin';

export interface BootstrapResult {
  /** The generated admin password, when this start created the admin user without one given. */
  generatedPassword?: string;
  created: boolean;
}

/** A password that meets Redshift's rules (upper, lower, digit, 8–64 characters). */
function generatePassword(): string {
  const body = randomBytes(18).toString('base64url').replace(/[-_]/g, 'x');
  return `Ls${body}9`;
}

export async function bootstrapNamespace(
  lake: Lake,
  adminPassword: string | undefined,
): Promise<BootstrapResult> {
  let created = false;
  let generatedPassword: string | undefined;
  let admin = await lake.directory.user(ADMIN_USER);
  if (admin === undefined) {
    const password = adminPassword ?? (generatedPassword = generatePassword());
    admin = await lake.directory.createUser({
      name: ADMIN_USER,
      password: createScramVerifier(password),
      superuser: true,
      createDb: true,
      connectionLimit: null,
      validUntil: null,
      syslogUnrestricted: true,
      sessionTimeout: null,
      settings: {},
    });
    created = true;
  }
  let dev = await lake.directory.database(DEFAULT_DATABASE);
  if (dev === undefined) {
    dev = await lake.directory.createDatabase(DEFAULT_DATABASE, admin.userId);
    created = true;
  }
  if (await ensurePublicSchema(lake, dev.databaseId)) created = true;
  return { created, generatedPassword };
}

/** Gives a database its `public` schema when it has none; returns whether it made one. */
export async function ensurePublicSchema(lake: Lake, databaseId: number): Promise<boolean> {
  return lake.transaction(
    async (tx) => {
      if (await tx.getSchema(DEFAULT_SCHEMA)) return false;
      await tx.createSchema(DEFAULT_SCHEMA);
      return true;
    },
    { databaseId },
  );
}
