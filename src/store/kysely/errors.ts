import { UniqueViolation } from '../../core/errors.ts';

interface DriverError {
  code?: unknown;
  constraint?: unknown;
  message?: unknown;
}

/** Maps the SQLite and PostgreSQL unique-constraint errors onto the port's `UniqueViolation`. */
export async function guardUnique<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const e = error as DriverError;
    if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      throw new UniqueViolation(String(e.message ?? 'unique'));
    }
    if (e.code === '23505') throw new UniqueViolation(String(e.constraint ?? 'unique'));
    throw error;
  }
}
