import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125180218 } from './Migration20261125180218';
import { Migration20261125202849 } from './Migration20261125202849';
import { Migration20261201103022 } from './Migration20261201103022';
import { Migration20261201103235 } from './Migration20261201103235';
import { Migration20261201112943 } from './Migration20261201112943';
import { Migration20261201133232 } from './Migration20261201133232';
import { Migration20261201133352 } from './Migration20261201133352';
import { Migration20261201133615 } from './Migration20261201133615';
import { Migration20261201133801 } from './Migration20261201133801';
import { Migration20261201164038 } from './Migration20261201164038';
import { Migration20261201164102 } from './Migration20261201164102';
import { Migration20261201165502 } from './Migration20261201165502';
import { Migration20261202153000 } from './Migration20261202153000';

/** Every migration, in order. Listed explicitly so tsx, ts-jest and compiled JS all load the same set. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261125180218', class: Migration20261125180218 },
  { name: 'Migration20261125202849', class: Migration20261125202849 },
  { name: 'Migration20261201103022', class: Migration20261201103022 },
  { name: 'Migration20261201103235', class: Migration20261201103235 },
  { name: 'Migration20261201112943', class: Migration20261201112943 },
  { name: 'Migration20261201133232', class: Migration20261201133232 },
  { name: 'Migration20261201133352', class: Migration20261201133352 },
  { name: 'Migration20261201133615', class: Migration20261201133615 },
  { name: 'Migration20261201133801', class: Migration20261201133801 },
  { name: 'Migration20261201164038', class: Migration20261201164038 },
  { name: 'Migration20261201164102', class: Migration20261201164102 },
  { name: 'Migration20261201165502', class: Migration20261201165502 },
  { name: 'Migration20261202153000', class: Migration20261202153000 },
];
