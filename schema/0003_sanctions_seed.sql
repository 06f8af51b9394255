-- SPDX-License-Identifier: ISC
-- 0003_sanctions_seed: the 14 events of data/sanctions-timeline.csv as rows of
-- potash.sanctions_events, origin 'seed'.
--
-- The VALUES below are the CSV's fields verbatim, in its row order: the
-- entities text is split on ';' and each part trimmed here, an empty
-- effective_on or wind_down_until is NULL, source_url may be a citation
-- rather than a URL, verification is kept as written.  The summary is ours,
-- built only from the row's action, instrument, entities, dates and
-- direction; it adds no facts.  Changing the CSV later needs a new
-- migration: this file is checksummed and never edited once applied.

INSERT INTO potash.sanctions_events
    (announced_on, effective_on, wind_down_until, jurisdiction, action,
     instrument, entities, direction, summary, source_url, verification, origin)
SELECT v.announced_on::date,
       NULLIF(v.effective_on, '')::date,
       NULLIF(v.wind_down_until, '')::date,
       v.jurisdiction,
       v.action,
       v.instrument,
       ARRAY(SELECT btrim(e.part)
               FROM unnest(string_to_array(v.entities, ';')) WITH ORDINALITY AS e (part, n)
              WHERE btrim(e.part) <> ''
              ORDER BY e.n),
       v.direction::smallint,
       v.summary,
       v.source_url,
       v.verification,
       'seed'
  FROM (VALUES
    ('2021-06-24', 'EU', 'sectoral_ban', 'Reg (EU) 2021/1030; Dec (CFSP) 2021/1031',
     'potash CN 3104 20 10/90, 3105 20/60/90 (not 3104 20 50)', '2021-06-25', '', '+1',
     'VERIFIED-P', 'https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32022R0212',
     'EU sectoral ban (Reg (EU) 2021/1030; Dec (CFSP) 2021/1031) on potash of CN 3104 20 10/90 '
     'and 3105 20/60/90, not CN 3104 20 50; effective 2021-06-25; tightens.'),
    ('2021-08-09', 'US', 'executive_order', 'EO 14038',
     'potash sector of Belarus economy (31 CFR 548.315)', '2021-08-09', '', '+1',
     'VERIFIED-S', 'https://www.thompsonhinesmartrade.com/2021/08/president-biden-issues-new-executive-order-expanding-sanctions-against-belarus/',
     'US executive order EO 14038 concerning the potash sector of the Belarus economy '
     '(31 CFR 548.315); effective 2021-08-09; tightens.'),
    ('2021-08-09', 'US', 'sdn_designation', 'OFAC SDN; GL 4 wind-down',
     'Belaruskali OAO', '2021-12-08', '', '+1',
     'VERIFIED-P', 'https://ofac.treasury.gov/faqs/939',
     'US OFAC SDN designation of Belaruskali OAO with a wind-down under GL 4; '
     'effective 2021-12-08; tightens.'),
    ('2021-08-09', 'UK', 'trade_measure', 'SI 2021/922',
     'potash (import/acquisition/supply)', '2021-08-09', '', '+1',
     'VERIFIED-P', 'https://www.legislation.gov.uk/uksi/2021/922/made',
     'UK trade measure SI 2021/922 on potash (import, acquisition, supply); '
     'effective 2021-08-09; tightens.'),
    ('2021-12-02', 'US', 'sdn_designation', 'OFAC SDN; GL 5 wind-down',
     'OJSC Belarusian Potash Company; Agrorozkvit LLC', '2022-04-01', '', '+1',
     'VERIFIED-P', 'https://ofac.treasury.gov/faqs/939',
     'US OFAC SDN designation of OJSC Belarusian Potash Company and Agrorozkvit LLC '
     'with a wind-down under GL 5; effective 2022-04-01; tightens.'),
    ('2021-12-02', 'UK', 'asset_freeze', 'UK Belarus regime designation',
     'OJSC Belaruskali', '2021-12-02', '', '+1',
     'VERIFIED-S', 'https://www.devdiscourse.com/article/law-order/1831820-uk-announces-new-belarus-sanctions-targets-potash-producer',
     'UK asset freeze: designation of OJSC Belaruskali under the UK Belarus regime; '
     'effective 2021-12-02; tightens.'),
    ('2022-01-12', 'LT', 'transit_ban', 'Government resolution endorsing national-security commission decision',
     'LTG-Belaruskali 2018 rail contract', '2022-02-01', '', '+1',
     'VERIFIED-P', 'https://www.einpresswire.com/article/560617861',
     'Lithuanian transit ban: government resolution endorsing a national-security commission '
     'decision on the LTG-Belaruskali 2018 rail contract; effective 2022-02-01; tightens.'),
    ('2022-03-02', 'EU', 'sectoral_ban', 'Reg (EU) 2022/355; Dec (CFSP) 2022/356',
     'all potassium chloride from Belarus', '2022-03-03', '', '+1',
     'VERIFIED-P(instrument)/S(scope)', 'https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/?from=EN&uri=OJ%3AL%3A2022%3A067%3AFULL',
     'EU sectoral ban (Reg (EU) 2022/355; Dec (CFSP) 2022/356) on all potassium chloride '
     'from Belarus; effective 2022-03-03; tightens.'),
    ('2022-04-08', 'EU', 'anti_circumvention', '5th Russia package (reg. no. unverified)',
     'Belarus potash via Russia', '2022-04-09', '', '+1',
     'VERIFIED-S', 'https://interfax.com/newsroom/top-stories/78002/',
     'EU anti-circumvention measure in the 5th Russia package (regulation number unverified) '
     'on Belarus potash via Russia; effective 2022-04-09; tightens.'),
    ('2022-07-05', 'UK', 'trade_measure', 'SI 2022/748',
     'extended potash restrictions', '2022-07-05', '', '+1',
     'VERIFIED-P(instrument)/S(scope)', 'https://www.legislation.gov.uk/uksi/2022/748/body/made',
     'UK trade measure SI 2022/748: extended potash restrictions; effective 2022-07-05; tightens.'),
    ('2025-09-11', 'US', 'general_license', 'OFAC Belarus GL 11',
     'Belavia', '2025-09-11', '', '-1',
     'VERIFIED-S', 'https://kyivindependent.com/belarus-frees-52-prisoners-after-visit-by-us-envoy',
     'US OFAC Belarus general license GL 11 concerning Belavia; effective 2025-09-11; eases.'),
    ('2025-11-04', 'US', 'delisting', 'SDN removal; GL 12',
     'Belavia; aircraft EW-301PJ', '2025-11-04', '', '-1',
     'VERIFIED-P(GL12 date)/S', 'https://lexbuild.dev/fr/2026/03/2026-04091',
     'US delisting (SDN removal; GL 12) concerning Belavia and aircraft EW-301PJ; '
     'effective 2025-11-04; eases.'),
    ('2025-12-13', 'US', 'announcement', 'US envoy statement after release of 123 political prisoners',
     'Belaruskali OAO; JSC Belarusian Potash Company; Agrorozkvit LLC', '', '', '-1',
     'VERIFIED-S', 'Kyiv Independent, 2025-12-13: report of the pardons and of the US envoy saying potash sanctions would be lifted',
     'US announcement: US envoy statement after release of 123 political prisoners, concerning '
     'Belaruskali OAO, JSC Belarusian Potash Company and Agrorozkvit LLC; no effective date; eases.'),
    ('2025-12-15', 'US', 'general_license', 'OFAC Belarus GL 13 (no expiry)',
     'Belaruskali OAO; JSC Belarusian Potash Company; Agrorozkvit LLC (+50% subs)', '2025-12-15', '', '-1',
     'VERIFIED-S', 'https://www.mondaq.com/export-controls-trade-investment-sanctions/1722318/',
     'US OFAC Belarus general license GL 13 (no expiry) concerning Belaruskali OAO, '
     'JSC Belarusian Potash Company and Agrorozkvit LLC (+50% subs); effective 2025-12-15; eases.')
  ) AS v (announced_on, jurisdiction, action, instrument, entities, effective_on,
          wind_down_until, direction, verification, source_url, summary)
ON CONFLICT ON CONSTRAINT sanctions_events_once DO NOTHING;

-- A row the daemon detected before this ran would have been kept instead of
-- the seed row; either way all 14 must be there now.
DO $$
DECLARE
    n int;
BEGIN
    SELECT count(*) INTO n
      FROM potash.sanctions_events
     WHERE (jurisdiction, instrument, announced_on) IN (
           ('EU', 'Reg (EU) 2021/1030; Dec (CFSP) 2021/1031', DATE '2021-06-24'),
           ('US', 'EO 14038', DATE '2021-08-09'),
           ('US', 'OFAC SDN; GL 4 wind-down', DATE '2021-08-09'),
           ('UK', 'SI 2021/922', DATE '2021-08-09'),
           ('US', 'OFAC SDN; GL 5 wind-down', DATE '2021-12-02'),
           ('UK', 'UK Belarus regime designation', DATE '2021-12-02'),
           ('LT', 'Government resolution endorsing national-security commission decision', DATE '2022-01-12'),
           ('EU', 'Reg (EU) 2022/355; Dec (CFSP) 2022/356', DATE '2022-03-02'),
           ('EU', '5th Russia package (reg. no. unverified)', DATE '2022-04-08'),
           ('UK', 'SI 2022/748', DATE '2022-07-05'),
           ('US', 'OFAC Belarus GL 11', DATE '2025-09-11'),
           ('US', 'SDN removal; GL 12', DATE '2025-11-04'),
           ('US', 'US envoy statement after release of 123 political prisoners', DATE '2025-12-13'),
           ('US', 'OFAC Belarus GL 13 (no expiry)', DATE '2025-12-15'));
    IF n <> 14 THEN
        RAISE EXCEPTION '0003_sanctions_seed: expected 14 seeded events, found %', n;
    END IF;
END
$$;
