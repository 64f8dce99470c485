import { Migration } from '@mikro-orm/migrations';

/** A notification's send is claimed by compare-and-set with a lease (issue 15): two attempts never send it side by side. */
export class Migration20261201133232 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "notifications" add column "claim_token" uuid null, add column "claimed_until" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "notifications" drop column "claim_token", drop column "claimed_until";`);
  }

}
