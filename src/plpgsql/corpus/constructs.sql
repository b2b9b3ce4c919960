-- Procedures written for the PL/pgSQL parser's tests: between them they use every construct
-- the parser reads. The fuzz test mutates them. Procedures are separated by a line holding only
-- ";;"; a body is the text between the first two dollar quotes.
CREATE OR REPLACE PROCEDURE etl.load_orders(batch_id int, INOUT loaded int)
AS $$
<<main>>
DECLARE
  v_count     integer := 0;
  v_name      varchar(64) DEFAULT 'orders';
  v_amount    numeric(12, 2) = 0.0;
  v_started   timestamp := getdate();
  v_flag      CONSTANT boolean NOT NULL := true;
  v_kind      int;
  v_row       etl.orders%ROWTYPE;
  v_id        etl.orders.id%TYPE;
  rec         RECORD;
  cur         REFCURSOR;
  first_arg   ALIAS FOR $1;
  by_region   CURSOR (p_region varchar(10)) FOR
                SELECT id, amount FROM etl.orders WHERE region = p_region;
BEGIN
  -- staging; semicolons in 'strings; like this' and /* comments; */ are not ends
  TRUNCATE etl.orders_stage;
  CREATE TEMP TABLE seen_ids (id bigint);
  INSERT INTO etl.orders_stage SELECT * FROM etl.orders_raw WHERE batch = batch_id;
  GET DIAGNOSTICS v_count := ROW_COUNT;
  SELECT INTO v_row * FROM etl.orders WHERE id = 1;
  SELECT count(*), max(amount) INTO STRICT v_count, v_amount FROM etl.orders_stage;
  UPDATE etl.batches SET state = 'loaded' WHERE id = batch_id RETURNING id INTO v_id;
  v_row.amount := v_amount * 1.1;
  loaded = v_count;
  IF v_count = 0 THEN
    RAISE NOTICE 'batch % of % is empty', batch_id, v_name;
    RETURN;
  ELSIF v_count < 10 THEN
    RAISE INFO 'small batch: % rows', v_count;
  ELSEIF v_count > 1000000 THEN
    RAISE WARNING 'large batch' USING HINT = 'split it', DETAIL = 'rows: ' || v_count;
  ELSE
    NULL;
  END IF;
  CASE v_name
    WHEN 'orders', 'order' THEN v_kind := 1;
    WHEN 'returns' THEN v_kind := 2;
    ELSE v_kind := 3;
  END CASE;
  CASE
    WHEN v_amount BETWEEN 0 AND 10 THEN PERFORM etl.log('small');
    WHEN v_amount > CASE WHEN v_count > 0 THEN 10 ELSE 20 END THEN PERFORM etl.log('big');
  END CASE;
  <<outer>>
  FOR i IN 1..v_count BY 2 LOOP
    CONTINUE WHEN i % 3 = 0;
    FOR j IN REVERSE 10 .. 1 LOOP
      EXIT outer WHEN i * j > 100;
    END LOOP;
  END LOOP outer;
  FOR rec IN SELECT id, amount FROM etl.orders_stage ORDER BY id LOOP
    INSERT INTO seen_ids VALUES (rec.id);
  END LOOP;
  FOR rec IN EXECUTE 'SELECT * FROM ' || quote_ident(v_name) || ' WHERE id > $1' USING v_id LOOP
    v_amount := v_amount + rec.amount;
  END LOOP;
  FOR rec IN by_region('EU') LOOP
    v_amount := v_amount - rec.amount;
  END LOOP;
  WHILE v_count > 0 AND NOT v_flag LOOP
    v_count := v_count - 1;
  END LOOP;
  LOOP
    EXIT WHEN v_count >= 10;
    v_count := v_count + 1;
  END LOOP;
  OPEN cur FOR SELECT id FROM etl.orders;
  FETCH NEXT FROM cur INTO v_id;
  CLOSE cur;
  OPEN by_region('US');
  FETCH by_region INTO rec;
  CLOSE by_region;
  OPEN cur FOR EXECUTE 'SELECT id FROM etl.orders WHERE amount > $1' USING v_amount;
  CLOSE cur;
  EXECUTE 'ANALYZE ' || v_name;
  EXECUTE 'SELECT count(*) FROM etl.orders WHERE batch = $1' INTO v_count USING batch_id;
  CALL etl.audit(batch_id, 'done');
  SET search_path TO etl, public;
  COMMIT;
  DECLARE
    v_inner text := $q$it's a "dollar" quote; END;$q$;
  BEGIN
    v_inner := E'tab\there; ' || v_inner;
    RAISE;
  EXCEPTION
    WHEN division_by_zero OR numeric_value_out_of_range THEN
      ROLLBACK;
    WHEN SQLSTATE '22P02' THEN
      RAISE EXCEPTION 'bad input: %', SQLERRM USING ERRCODE = '22P02';
  END;
EXCEPTION
  WHEN others THEN
    RAISE INFO 'failed: % (%)', SQLERRM, SQLSTATE;
    RAISE;
END main;
$$ LANGUAGE plpgsql;
;;
CREATE OR REPLACE PROCEDURE report_top_customers(p_limit int, rs_out INOUT refcursor)
AS $$
BEGIN
  OPEN rs_out FOR
    SELECT c.name, sum(o.amount) AS total
    FROM customers c JOIN orders o ON o.customer_id = c.id
    GROUP BY c.name
    ORDER BY total DESC
    LIMIT p_limit;
END
$$ LANGUAGE plpgsql;
;;
CREATE OR REPLACE PROCEDURE raise_levels()
AS $$
BEGIN
  RAISE DEBUG 'debug %%';
  RAISE LOG 'log';
  RAISE 'plain % %', 1, 2;
  RAISE division_by_zero;
  RAISE EXCEPTION SQLSTATE '22012' USING MESSAGE = 'no dividing';
  RAISE USING MESSAGE = 'only a message';
  BEGIN
    PERFORM 1 / 0;
  EXCEPTION WHEN division_by_zero THEN
    RAISE NOTICE 'caught';
  END;
END;
$$ LANGUAGE plpgsql;
