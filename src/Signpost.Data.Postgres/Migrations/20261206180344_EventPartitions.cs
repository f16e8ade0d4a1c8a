using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Postgres.Migrations
{
    /// <summary>
    /// PostgreSQL only: <c>SignInEvents</c> becomes a table partitioned by month on <c>OccurredAt</c>, so that
    /// retention drops whole months instead of deleting rows (docs/capacity.md, "Sign-in events on PostgreSQL").
    /// Works on a database that already holds events: the table is renamed, a partitioned table takes its
    /// name, a partition is made for every month that holds rows (at most ten years back, the longest
    /// retention allowed) and for this month and the next (older or later rows go to the DEFAULT partition), the rows are copied, the
    /// indexes are built once over the copy, and the old table is dropped — all in the migration's one
    /// transaction, so a failure leaves the old table as it was.
    /// <para>
    /// What changes beside the partitions: the primary key is (<c>Id</c>, <c>OccurredAt</c>), as PostgreSQL
    /// requires the partition key in every unique constraint of a partitioned table; <c>Id</c> stays unique
    /// because every one comes from one sequence, and the EF model keeps <c>Id</c> as its key. PostgreSQL 15
    /// allows no identity column on a partitioned table, so <c>Id</c> takes its default from a sequence
    /// (<c>SignInEvents_Id_seq</c>, owned by the column) that continues after the old identity's last value.
    /// No foreign key or unique index references the table (incidents name events by trace ID, as text),
    /// so nothing else changes. Two indexes are PostgreSQL's own, for the troubleshooter and the support
    /// console (docs/troubleshooter.md): an account's newest events by <c>Id</c> without a time range,
    /// and attempts naming no account by the identifier typed, case-folded.
    /// </para>
    /// </summary>
    public partial class EventPartitions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                LOCK TABLE "SignInEvents" IN ACCESS EXCLUSIVE MODE;
                ALTER TABLE "SignInEvents" RENAME TO "SignInEvents_unpartitioned";
                ALTER TABLE "SignInEvents_unpartitioned" RENAME CONSTRAINT "PK_SignInEvents" TO "PK_SignInEvents_unpartitioned";
                DROP INDEX "IX_SignInEvents_AccountId_OccurredAt";
                DROP INDEX "IX_SignInEvents_ClientIp_OccurredAt";
                DROP INDEX "IX_SignInEvents_OccurredAt";
                DROP INDEX "IX_SignInEvents_OrganizationId_OccurredAt";
                DROP INDEX "IX_SignInEvents_TraceId";

                CREATE TABLE "SignInEvents" (LIKE "SignInEvents_unpartitioned" INCLUDING STORAGE INCLUDING COMPRESSION)
                    PARTITION BY RANGE ("OccurredAt");

                DO $$
                DECLARE
                    next_id bigint;
                    this_month timestamp;
                    month timestamp;
                BEGIN
                    -- The next ID continues after both the highest row and the identity's last value (a rolled-back
                    -- insert used one too): the escalation queue reads events in ID order from where it stopped.
                    SELECT GREATEST(COALESCE(MAX("Id"), 0),
                                    (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM "SignInEvents_Id_seq")) + 1
                        INTO next_id FROM "SignInEvents_unpartitioned";
                    ALTER TABLE "SignInEvents_unpartitioned" ALTER COLUMN "Id" DROP IDENTITY;
                    CREATE SEQUENCE "SignInEvents_Id_seq" AS bigint OWNED BY "SignInEvents"."Id";
                    PERFORM setval('"SignInEvents_Id_seq"', next_id, false);
                    ALTER TABLE "SignInEvents" ALTER COLUMN "Id" SET DEFAULT nextval('"SignInEvents_Id_seq"');

                    -- A partition for each month in UTC that holds rows, back to ten years (the longest retention
                    -- allowed), and for this month and the next; rows outside those months go to DEFAULT.
                    this_month := date_trunc('month', now() AT TIME ZONE 'UTC');
                    FOR month IN
                        SELECT DISTINCT date_trunc('month', "OccurredAt" AT TIME ZONE 'UTC') FROM "SignInEvents_unpartitioned"
                            WHERE "OccurredAt" AT TIME ZONE 'UTC' >= this_month - interval '10 years'
                              AND "OccurredAt" AT TIME ZONE 'UTC' < this_month + interval '2 months'
                        UNION SELECT this_month
                        UNION SELECT this_month + interval '1 month'
                    LOOP
                        EXECUTE format('CREATE TABLE %I PARTITION OF "SignInEvents" FOR VALUES FROM (%L) TO (%L)',
                            'SignInEvents_' || to_char(month, 'YYYY_MM'),
                            to_char(month, 'YYYY-MM-DD') || ' 00:00:00+00',
                            to_char(month + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00');
                    END LOOP;
                END $$;
                CREATE TABLE "SignInEvents_default" PARTITION OF "SignInEvents" DEFAULT;

                INSERT INTO "SignInEvents" SELECT * FROM "SignInEvents_unpartitioned";
                DROP TABLE "SignInEvents_unpartitioned";

                ALTER TABLE "SignInEvents" ADD CONSTRAINT "PK_SignInEvents" PRIMARY KEY ("Id", "OccurredAt");
                CREATE INDEX "IX_SignInEvents_AccountId_OccurredAt" ON "SignInEvents" ("AccountId", "OccurredAt");
                CREATE INDEX "IX_SignInEvents_ClientIp_OccurredAt" ON "SignInEvents" ("ClientIp", "OccurredAt");
                CREATE INDEX "IX_SignInEvents_OccurredAt" ON "SignInEvents" ("OccurredAt");
                CREATE INDEX "IX_SignInEvents_OrganizationId_OccurredAt" ON "SignInEvents" ("OrganizationId", "OccurredAt");
                CREATE INDEX "IX_SignInEvents_TraceId" ON "SignInEvents" ("TraceId");
                CREATE INDEX "IX_SignInEvents_AccountId_Id" ON "SignInEvents" ("AccountId", "Id");
                CREATE INDEX "IX_SignInEvents_UnknownIdentifier_OccurredAt" ON "SignInEvents" (upper("Identifier"), "OccurredAt") WHERE "AccountId" IS NULL;
                ANALYZE "SignInEvents";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Back to one table with an identity column, every row kept.
            migrationBuilder.Sql("""
                LOCK TABLE "SignInEvents" IN ACCESS EXCLUSIVE MODE;
                ALTER TABLE "SignInEvents" RENAME TO "SignInEvents_partitioned";
                CREATE TABLE "SignInEvents" (LIKE "SignInEvents_partitioned" INCLUDING STORAGE INCLUDING COMPRESSION);
                INSERT INTO "SignInEvents" SELECT * FROM "SignInEvents_partitioned";

                DO $$
                DECLARE
                    next_id bigint;
                BEGIN
                    SELECT GREATEST(COALESCE(MAX("Id"), 0),
                                    (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM "SignInEvents_Id_seq")) + 1
                        INTO next_id FROM "SignInEvents";
                    DROP TABLE "SignInEvents_partitioned";
                    EXECUTE format('ALTER TABLE "SignInEvents" ALTER COLUMN "Id" ADD GENERATED BY DEFAULT AS IDENTITY (START WITH %s)', next_id);
                END $$;

                ALTER TABLE "SignInEvents" ADD CONSTRAINT "PK_SignInEvents" PRIMARY KEY ("Id");
                CREATE INDEX "IX_SignInEvents_AccountId_OccurredAt" ON "SignInEvents" ("AccountId", "OccurredAt");
                CREATE INDEX "IX_SignInEvents_ClientIp_OccurredAt" ON "SignInEvents" ("ClientIp", "OccurredAt");
                CREATE INDEX "IX_SignInEvents_OccurredAt" ON "SignInEvents" ("OccurredAt");
                CREATE INDEX "IX_SignInEvents_OrganizationId_OccurredAt" ON "SignInEvents" ("OrganizationId", "OccurredAt");
                CREATE INDEX "IX_SignInEvents_TraceId" ON "SignInEvents" ("TraceId");
                """);
        }
    }
}
