-- Partitioning probe (docs/operations.md §2): the registry's households as they are, and a
-- copy LIST-partitioned by county (the first 6 digits of the village code), with the same
-- indexes. Run on a bench database only:
--   psql -d fangpin_bench_load -f bench/sql/partition_probe.sql
-- It times, on both, what the pages do most: one county's households in number order (a
-- list page), a count for a county, a household by its number, and a name across the city.
\timing on
DROP TABLE IF EXISTS probe_household_part;
CREATE TABLE probe_household_part (LIKE registry_household INCLUDING DEFAULTS,
    county char(6) NOT NULL) PARTITION BY LIST (county);
DO $$
DECLARE c text;
BEGIN
  FOR c IN SELECT DISTINCT substr(village_id, 1, 6) FROM registry_household LOOP
    EXECUTE format('CREATE TABLE probe_household_part_%s PARTITION OF probe_household_part '
                   'FOR VALUES IN (%L)', c, c);
  END LOOP;
END $$;
INSERT INTO probe_household_part SELECT h.*, substr(h.village_id, 1, 6) FROM registry_household h;
CREATE INDEX ON probe_household_part (village_id, number);
CREATE INDEX ON probe_household_part (number);
CREATE INDEX ON probe_household_part (head_name);
ANALYZE probe_household_part;
ANALYZE registry_household;
\set county '''410421'''
\set low '''410421000000'''
\set high '''410421999999'''
\echo == list page of one county (20 rows, number order)
SELECT id FROM registry_household WHERE village_id BETWEEN :low AND :high ORDER BY village_id, number LIMIT 20 OFFSET 200 \g /dev/null
SELECT id FROM registry_household WHERE village_id BETWEEN :low AND :high ORDER BY village_id, number LIMIT 20 OFFSET 200 \g /dev/null
SELECT id FROM probe_household_part WHERE county = :county ORDER BY village_id, number LIMIT 20 OFFSET 200 \g /dev/null
SELECT id FROM probe_household_part WHERE county = :county ORDER BY village_id, number LIMIT 20 OFFSET 200 \g /dev/null
\echo == count of one county
SELECT count(*) FROM registry_household WHERE village_id BETWEEN :low AND :high;
SELECT count(*) FROM registry_household WHERE village_id BETWEEN :low AND :high;
SELECT count(*) FROM probe_household_part WHERE county = :county;
SELECT count(*) FROM probe_household_part WHERE county = :county;
\echo == one household by number, county unknown (a search)
SELECT id FROM registry_household WHERE number = (SELECT max(number) FROM registry_household) \g /dev/null
SELECT id FROM registry_household WHERE number = (SELECT max(number) FROM registry_household) \g /dev/null
SELECT id FROM probe_household_part WHERE number = (SELECT max(number) FROM registry_household) \g /dev/null
SELECT id FROM probe_household_part WHERE number = (SELECT max(number) FROM registry_household) \g /dev/null
\echo == a name across the city
SELECT count(*) FROM registry_household WHERE head_name = '王伟';
SELECT count(*) FROM registry_household WHERE head_name = '王伟';
SELECT count(*) FROM probe_household_part WHERE head_name = '王伟';
SELECT count(*) FROM probe_household_part WHERE head_name = '王伟';
DROP TABLE probe_household_part;
