-- demo.sql: demo data for trying vce (README run command). Idempotent: running it again
-- changes nothing. Passwords here are for demos only.

INSERT INTO countries (code, name, trunk_prefix, intl_prefix, national_min_len, national_max_len, default_area) VALUES
    ('082', 'Korea',         '0', '00',  8, 10, '02'),
    ('001', 'United States', '1', '011', 10, 10, '212'),
    ('049', 'Germany',       '0', '00',  6, 11, '030'),
    ('081', 'Japan',         '0', '010', 9, 10, '03')
ON CONFLICT (code) DO NOTHING;

INSERT INTO centres (country_code, name, operator, sip_address, priority) VALUES
    ('082', 'Seoul centre',        'own',  'sip:kr.centre.vce.test:5060', 10),
    ('049', 'Berlin centre',       'own',  'sip:de.centre.vce.test:5060', 10),
    ('001', 'US partner centre',   'peer', 'sip:us.partner.example.net:5060', 10),
    ('081', 'Tokyo partner centre','peer', 'sip:jp.partner.example.net:5060', 10)
ON CONFLICT (country_code, name) DO NOTHING;

DO $demo$
DECLARE
    kim bigint; lee bigint; mueller bigint; acme bigint;
    o bigint;
    r record;
BEGIN
    -- a peer carrier (Korean 070 VoIP numbers) and TDM trunk groups to the simulated PSTN
    IF NOT EXISTS (SELECT 1 FROM carriers WHERE name = 'Hanul VoIP') THEN
        PERFORM carrier_add('Hanul VoIP', 'sip:centre.hanul-voip.example.net:5060', ARRAY['8270'], '082');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM trunks WHERE name = 'pstnsim-kr') THEN
        PERFORM trunk_add('pstnsim-kr', '082', 'pstnsim', ARRAY['82'], channels => 30);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM trunks WHERE name = 'pstnsim-us') THEN
        PERFORM trunk_add('pstnsim-us', '001', 'pstnsim', ARRAY['1'], channels => 24, priority => 20);
    END IF;

    -- retail rates (fixed valid_from so a second run updates, not adds)
    PERFORM rate_set('82',   0.0200, 60, 60, 0, 'Korea fixed',     valid_from => '2024-01-01');
    PERFORM rate_set('8210', 0.0600, 6, 30, 0, 'Korea mobile',     valid_from => '2024-01-01');
    PERFORM rate_set('8270', 0.0100, 60, 60, 0, 'Korea VoIP (070)', valid_from => '2024-01-01');
    PERFORM rate_set('1',    0.0100, 6, 6, 0, 'USA/Canada',        valid_from => '2024-01-01');
    PERFORM rate_set('49',   0.0250, 60, 60, 0.0500, 'Germany',    valid_from => '2024-01-01');
    PERFORM rate_set('8270', 0.0050, 60, 60, 0, 'Hanul termination', carrier => 'Hanul VoIP',
                     valid_from => '2024-01-01');

    -- inventory
    FOR r IN SELECT * FROM (VALUES ('02-6200-6200-082', 30.00), ('02-6200-6201-082', 30.00),
                                   ('02-555-1234-082', 20.00), ('02-777-7777-082', 150.00),
                                   ('030-1234-5678-049', 25.00), ('03-6200-6200-081', 40.00),
                                   ('6200-6200', 500.00), ('7777-0000', 300.00), ('1588-1588', 900.00))
                      AS v(num, price) LOOP
        IF NOT EXISTS (SELECT 1 FROM numbers WHERE canonical = number_canonical(r.num)) THEN
            PERFORM number_add(r.num, r.price);
        END IF;
    END LOOP;

    -- members
    SELECT id INTO kim FROM members WHERE email = 'minji.kim@example.org';
    IF kim IS NULL THEN
        kim := member_register('individual', 'Kim Minji', '082', '+82 2-3456-7890',
                               email => 'minji.kim@example.org', address => 'Seoul',
                               other_voip => ARRAY['070-1234-5678']);
    END IF;
    SELECT id INTO lee FROM members WHERE email = 'jh.lee@example.org';
    IF lee IS NULL THEN
        lee := member_register('individual', 'Lee Jihoon', '082', '010-9876-5432',
                               email => 'jh.lee@example.org');
    END IF;
    SELECT id INTO mueller FROM members WHERE email = 'anna.mueller@example.de';
    IF mueller IS NULL THEN
        mueller := member_register('individual', 'Anna Müller', '049', '+49 30 1234567',
                                   email => 'anna.mueller@example.de');
    END IF;
    SELECT id INTO acme FROM members WHERE email = 'sales@example.com';
    IF acme IS NULL THEN
        acme := member_register('company', 'Example Trading Co.', '082', '+82 2-6200-0000',
                                email => 'sales@example.com', home_page => 'https://www.example.com',
                                company_reg_no => '110-81-00000', contact_person => 'Park Soyeon');
    END IF;

    -- sales through the workflow: request -> approve -> select -> pay
    FOR r IN SELECT * FROM (VALUES (kim, '02-6200-6200-082', 'DEMO-0001'),
                                   (lee, '02-555-1234-082', 'DEMO-0002'),
                                   (mueller, '030-1234-5678-049', 'DEMO-0003'),
                                   (acme, '6200-6200', 'DEMO-0004'))
                      AS v(member, num, ref) LOOP
        IF (SELECT status FROM numbers WHERE canonical = number_canonical(r.num)) = 'available' THEN
            o := number_request(r.member, r.num, 'demo');
            PERFORM number_approve(o);
            PERFORM number_pay(o, number_select(o), r.ref, 'demo');
        END IF;
    END LOOP;
    -- one order left open, awaiting approval
    IF (SELECT status FROM numbers WHERE canonical = '0262006201082') = 'available' THEN
        PERFORM number_request(lee, '02-6200-6201-082', 'second line, demo');
    END IF;

    -- the company's branches in three countries
    IF NOT EXISTS (SELECT 1 FROM vns_branches WHERE canonical = '62006200#082') THEN
        PERFORM company_branch_add('6200-6200#082', name => 'Seoul head office',
                                   forward_to => '02-6200-0000', password => 'demo-branch-kr');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM vns_branches WHERE canonical = '62006200#001') THEN
        PERFORM company_branch_add('6200-6200#001', name => 'New York office',
                                   forward_to => '+1 212 555 0100', password => 'demo-branch-us');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM vns_branches WHERE canonical = '62006200#049') THEN
        PERFORM company_branch_add('6200-6200#049', name => 'Berlin office',
                                   forward_to => '+49 30 5550100', password => 'demo-branch-de');
    END IF;

    -- SIP credentials of the individuals
    IF NOT EXISTS (SELECT 1 FROM sip_accounts WHERE member_id = kim) THEN
        PERFORM member_set_password(kim, 'demo-pass-kim');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM sip_accounts WHERE member_id = lee) THEN
        PERFORM member_set_password(lee, 'demo-pass-lee');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM sip_accounts WHERE member_id = mueller) THEN
        PERFORM member_set_password(mueller, 'demo-pass-anna');
    END IF;

    -- aliases
    IF NOT EXISTS (SELECT 1 FROM aliases WHERE alias = 'example.com') THEN
        PERFORM alias_add(acme, 'example.com');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM aliases WHERE alias = 'minji.kim@example.org') THEN
        PERFORM alias_add(kim, 'minji.kim@example.org');
    END IF;
END
$demo$;
