-- Shoreloop demo data: the places and bodies that the Chongqing action plan names. Every company, ship and person
-- here is INVENTED for the demo. Times are relative to the moment the demo is first loaded.
-- Id scheme: 00000000-0000-0000-00TT-0000000000NN, TT = 01 operator, 02 bureau, 03 port, 04 berth, 05 vessel,
-- 06 facility, 07 meter, 08 call, 09 user.

insert into port_operator (id, code, name) values
 ('00000000-0000-0000-0001-000000000001', 'OP-GUOYUAN', '果园港埠运营公司（虚构） Guoyuan Terminal Operator (demo)'),
 ('00000000-0000-0000-0001-000000000002', 'OP-CHAOTIANMEN', '朝天门客运码头公司（虚构） Chaotianmen Passenger Terminal (demo)'),
 ('00000000-0000-0000-0001-000000000003', 'OP-CHANGSHOU', '长寿化工码头公司（虚构） Changshou Chemical Terminal (demo)');

insert into port (id, code, name, region_kind, time_zone, operator_id, province) values
 ('00000000-0000-0000-0003-000000000001', 'CQ-GY', '果园港 Guoyuan', 'INLAND', 'Asia/Shanghai', '00000000-0000-0000-0001-000000000001', 'chongqing'),
 ('00000000-0000-0000-0003-000000000002', 'CQ-CTM', '朝天门 Chaotianmen', 'INLAND', 'Asia/Shanghai', '00000000-0000-0000-0001-000000000002', 'chongqing'),
 ('00000000-0000-0000-0003-000000000003', 'CQ-CS', '长寿 Changshou', 'INLAND', 'Asia/Shanghai', '00000000-0000-0000-0001-000000000003', 'chongqing');

insert into bureau (id, code, name, kind) values
 ('00000000-0000-0000-0002-000000000001', 'CQ-MSA', '重庆海事局 Chongqing Maritime Safety Administration', 'MARITIME'),
 ('00000000-0000-0000-0002-000000000002', 'CQ-TRANSPORT', '重庆市交通运输委员会 Chongqing Transport Bureau', 'TRANSPORT'),
 ('00000000-0000-0000-0002-000000000003', 'CQ-EEB', '重庆市生态环境局 Chongqing Ecology and Environment Bureau', 'ENVIRONMENT'),
 ('00000000-0000-0000-0002-000000000004', 'CS-MSA', '长寿海事处 Changshou Maritime Office', 'MARITIME');

insert into bureau_jurisdiction (bureau_id, port_id) values
 ('00000000-0000-0000-0002-000000000001', '00000000-0000-0000-0003-000000000001'),
 ('00000000-0000-0000-0002-000000000001', '00000000-0000-0000-0003-000000000002'),
 ('00000000-0000-0000-0002-000000000001', '00000000-0000-0000-0003-000000000003'),
 ('00000000-0000-0000-0002-000000000002', '00000000-0000-0000-0003-000000000001'),
 ('00000000-0000-0000-0002-000000000002', '00000000-0000-0000-0003-000000000002'),
 ('00000000-0000-0000-0002-000000000002', '00000000-0000-0000-0003-000000000003'),
 ('00000000-0000-0000-0002-000000000003', '00000000-0000-0000-0003-000000000001'),
 ('00000000-0000-0000-0002-000000000003', '00000000-0000-0000-0003-000000000002'),
 ('00000000-0000-0000-0002-000000000003', '00000000-0000-0000-0003-000000000003'),
 ('00000000-0000-0000-0002-000000000004', '00000000-0000-0000-0003-000000000003');

insert into berth (id, port_id, code, name, terminal_kind, shore_power, sp_voltage_v, sp_frequency_hz, sp_capacity_kva, sp_high_voltage, sp_socket) values
 ('00000000-0000-0000-0004-000000000001', '00000000-0000-0000-0003-000000000001', 'B01', '果园港1号集装箱泊位 Container berth 1', 'CONTAINER', true, 400, 50, 630, false, 'IEC 60309 LV 350A'),
 ('00000000-0000-0000-0004-000000000002', '00000000-0000-0000-0003-000000000001', 'B02', '果园港2号滚装泊位 Ro-ro berth 2', 'RO_RO', true, 400, 50, 800, false, 'IEC 60309 LV 350A'),
 ('00000000-0000-0000-0004-000000000003', '00000000-0000-0000-0003-000000000001', 'B03', '果园港3号件杂货泊位 General cargo berth 3', 'GENERAL_CARGO', false, null, null, null, null, null),
 ('00000000-0000-0000-0004-000000000004', '00000000-0000-0000-0003-000000000002', 'B03', '朝天门3号游轮泊位 Cruise berth 3', 'CRUISE', true, 6600, 50, 3000, true, 'IEC 80005-1 HV'),
 ('00000000-0000-0000-0004-000000000005', '00000000-0000-0000-0003-000000000002', 'B04', '朝天门4号客运泊位 Passenger berth 4', 'PASSENGER', true, 6600, 50, 1600, true, 'IEC 80005-1 HV'),
 ('00000000-0000-0000-0004-000000000006', '00000000-0000-0000-0003-000000000003', 'C01', '长寿化工码头1号泊位 Chemical berth 1', 'CHEMICAL', false, null, null, null, null, null);

insert into meter (id, code, berth_id, register_modulus_kwh, reporting_interval_s) values
 ('00000000-0000-0000-0007-000000000001', 'CQ-GY-B01-M1', '00000000-0000-0000-0004-000000000001', 100000000, 15),
 ('00000000-0000-0000-0007-000000000002', 'CQ-GY-B02-M1', '00000000-0000-0000-0004-000000000002', 100000000, 15),
 ('00000000-0000-0000-0007-000000000003', 'CQ-CTM-B03-M1', '00000000-0000-0000-0004-000000000004', 1000000, 15),
 ('00000000-0000-0000-0007-000000000004', 'CQ-CTM-B04-M1', '00000000-0000-0000-0004-000000000005', 1000000, 15);

insert into vessel (id, name, mmsi, imo, cn_ship_id, vessel_type, gross_tonnage, crew_capacity, home_port_id, shore_power, sp_voltage_v, sp_frequency_hz, sp_capacity_kva, sp_high_voltage, sp_socket) values
 ('00000000-0000-0000-0005-000000000001', '渝集装1 Yu Container 1 (demo)', '413800001', null, 'CN20190000101', 'CONTAINER', 4800, 12, '00000000-0000-0000-0003-000000000001', true, 400, 50, 250, false, 'IEC 60309 LV 350A'),
 ('00000000-0000-0000-0005-000000000002', '渝滚装8 Yu Roro 8 (demo)', '413800002', null, 'CN20170000208', 'RO_RO', 3900, 15, '00000000-0000-0000-0003-000000000001', true, 400, 50, 400, false, 'IEC 60309 LV 350A'),
 ('00000000-0000-0000-0005-000000000003', '长江壹号 Changjiang No.1 (demo)', '413800003', '9801237', 'CN20200000301', 'CRUISE', 17000, 180, '00000000-0000-0000-0003-000000000002', true, 6600, 50, 3000, true, 'IEC 80005-1 HV'),
 ('00000000-0000-0000-0005-000000000004', '渝货运168 Yu Cargo 168 (demo)', '413800004', null, 'CN20150000168', 'CARGO', 980, 6, '00000000-0000-0000-0003-000000000001', false, null, null, null, null, null),
 ('00000000-0000-0000-0005-000000000005', '长化9 Changhua 9 (demo)', '413800005', null, 'CN20180000509', 'CHEMICAL_TANKER', 2900, 14, '00000000-0000-0000-0003-000000000003', false, null, null, null, null, null);

insert into vessel_tank (vessel_id, stream, capacity, unit) values
 ('00000000-0000-0000-0005-000000000001', 'SEWAGE', 20, 'M3'),
 ('00000000-0000-0000-0005-000000000001', 'OILY_WATER', 5, 'M3'),
 ('00000000-0000-0000-0005-000000000001', 'GARBAGE', 600, 'KG'),
 ('00000000-0000-0000-0005-000000000002', 'SEWAGE', 25, 'M3'),
 ('00000000-0000-0000-0005-000000000002', 'OILY_WATER', 6, 'M3'),
 ('00000000-0000-0000-0005-000000000002', 'GARBAGE', 800, 'KG'),
 ('00000000-0000-0000-0005-000000000003', 'SEWAGE', 300, 'M3'),
 ('00000000-0000-0000-0005-000000000003', 'OILY_WATER', 30, 'M3'),
 ('00000000-0000-0000-0005-000000000003', 'GARBAGE', 8000, 'KG'),
 ('00000000-0000-0000-0005-000000000004', 'SEWAGE', 5, 'M3'),
 ('00000000-0000-0000-0005-000000000004', 'GARBAGE', 200, 'KG'),
 ('00000000-0000-0000-0005-000000000005', 'SEWAGE', 15, 'M3'),
 ('00000000-0000-0000-0005-000000000005', 'OILY_WATER', 5, 'M3'),
 ('00000000-0000-0000-0005-000000000005', 'TANK_WASHING', 40, 'M3'),
 ('00000000-0000-0000-0005-000000000005', 'GARBAGE', 300, 'KG');

insert into facility (id, code, name, kind, port_id, address) values
 ('00000000-0000-0000-0006-000000000001', 'GY-RECEPTION', '果园港船舶污染物接收站（虚构） Guoyuan ship waste reception (demo)', 'RECEPTION', '00000000-0000-0000-0003-000000000001', '重庆市江北区果园港'),
 ('00000000-0000-0000-0006-000000000002', 'CS-CHUANWEI-WASH', '长寿川维洗舱站（虚构） Changshou Chuanwei tank-washing base (demo)', 'RECEPTION', '00000000-0000-0000-0003-000000000003', '重庆市长寿区'),
 ('00000000-0000-0000-0006-000000000003', 'FL-ZESHENG-WASH', '涪陵泽胜洗舱基地（虚构） Fuling Zesheng tank-washing base (demo)', 'RECEPTION', null, '重庆市涪陵区'),
 ('00000000-0000-0000-0006-000000000004', 'YUHUAN-TRANSPORT', '渝环转运公司（虚构） Yuhuan waste transport (demo)', 'TRANSPORT', null, '重庆市渝北区'),
 ('00000000-0000-0000-0006-000000000005', 'JGS-SEWAGE-PLANT', '鸡冠石污水处理厂（虚构） Jiguanshi municipal sewage plant (demo)', 'DISPOSAL', null, '重庆市南岸区'),
 ('00000000-0000-0000-0006-000000000006', 'CQ-HAZWASTE', '重庆危险废物处置中心（虚构） Chongqing hazardous-waste plant (demo)', 'DISPOSAL', null, '重庆市长寿区');

insert into facility_licence (facility_id, activity, stream) values
 ('00000000-0000-0000-0006-000000000001', 'RECEIVE', 'SEWAGE'),
 ('00000000-0000-0000-0006-000000000001', 'RECEIVE', 'OILY_WATER'),
 ('00000000-0000-0000-0006-000000000001', 'RECEIVE', 'GARBAGE'),
 ('00000000-0000-0000-0006-000000000002', 'RECEIVE', 'TANK_WASHING'),
 ('00000000-0000-0000-0006-000000000003', 'RECEIVE', 'TANK_WASHING'),
 ('00000000-0000-0000-0006-000000000004', 'TRANSPORT', 'SEWAGE'),
 ('00000000-0000-0000-0006-000000000004', 'TRANSPORT', 'OILY_WATER'),
 ('00000000-0000-0000-0006-000000000004', 'TRANSPORT', 'TANK_WASHING'),
 ('00000000-0000-0000-0006-000000000004', 'TRANSPORT', 'GARBAGE'),
 ('00000000-0000-0000-0006-000000000005', 'DISPOSE', 'SEWAGE'),
 ('00000000-0000-0000-0006-000000000006', 'DISPOSE', 'OILY_WATER'),
 ('00000000-0000-0000-0006-000000000006', 'DISPOSE', 'TANK_WASHING');

insert into facility_vehicle (facility_id, identifier, kind, capacity) values
 ('00000000-0000-0000-0006-000000000004', '渝A·D1234', 'TRUCK', 20),
 ('00000000-0000-0000-0006-000000000004', '渝A·D5678', 'TRUCK', 20),
 ('00000000-0000-0000-0006-000000000004', '渝环驳1 Yuhuan barge 1', 'BARGE', 300);

-- A few days of calls: some long enough for the shore-power duty (> 2 h inland), some not; one still at berth.
insert into vessel_call (id, vessel_id, berth_id, port_id, arrival, departure, crew_on_board) values
 ('00000000-0000-0000-0008-000000000001', '00000000-0000-0000-0005-000000000001', '00000000-0000-0000-0004-000000000001', '00000000-0000-0000-0003-000000000001', date_trunc('hour', now()) - interval '72 hours', date_trunc('hour', now()) - interval '64 hours', 11),
 ('00000000-0000-0000-0008-000000000002', '00000000-0000-0000-0005-000000000002', '00000000-0000-0000-0004-000000000002', '00000000-0000-0000-0003-000000000001', date_trunc('hour', now()) - interval '48 hours', date_trunc('hour', now()) - interval '46 hours 30 minutes', 14),
 ('00000000-0000-0000-0008-000000000003', '00000000-0000-0000-0005-000000000003', '00000000-0000-0000-0004-000000000004', '00000000-0000-0000-0003-000000000002', date_trunc('hour', now()) - interval '30 hours', date_trunc('hour', now()) - interval '20 hours', 172),
 ('00000000-0000-0000-0008-000000000004', '00000000-0000-0000-0005-000000000004', '00000000-0000-0000-0004-000000000003', '00000000-0000-0000-0003-000000000001', date_trunc('hour', now()) - interval '46 hours', date_trunc('hour', now()) - interval '41 hours', 6),
 ('00000000-0000-0000-0008-000000000005', '00000000-0000-0000-0005-000000000005', '00000000-0000-0000-0004-000000000006', '00000000-0000-0000-0003-000000000003', date_trunc('hour', now()) - interval '36 hours', date_trunc('hour', now()) - interval '20 hours', 14),
 ('00000000-0000-0000-0008-000000000006', '00000000-0000-0000-0005-000000000001', '00000000-0000-0000-0004-000000000001', '00000000-0000-0000-0003-000000000001', date_trunc('hour', now()) - interval '3 hours', null, 12);

insert into call_cargo (call_id, seq, name, nls_category, quantity_t, solidifying_or_high_viscosity) values
 ('00000000-0000-0000-0008-000000000005', 0, '棕榈油 Palm oil', 'Y', 2200, true);

insert into vessel_port (vessel_id, port_id)
 select distinct vessel_id, port_id from vessel_call;

insert into app_user (id, subject, display_name, role, party_id, demo) values
 ('00000000-0000-0000-0009-000000000001', 'demo-admin', '系统管理员 Administrator', 'ADMIN', null, true),
 ('00000000-0000-0000-0009-000000000002', 'demo-crew-yu-container-1', '王船长 Captain Wang (Yu Container 1)', 'CREW', '00000000-0000-0000-0005-000000000001', true),
 ('00000000-0000-0000-0009-000000000003', 'demo-crew-yu-roro-8', '李大副 Mate Li (Yu Roro 8)', 'CREW', '00000000-0000-0000-0005-000000000002', true),
 ('00000000-0000-0000-0009-000000000004', 'demo-crew-changjiang-1', '陈轮机长 Chief Engineer Chen (Changjiang No.1)', 'CREW', '00000000-0000-0000-0005-000000000003', true),
 ('00000000-0000-0000-0009-000000000005', 'demo-crew-yu-cargo-168', '刘船长 Captain Liu (Yu Cargo 168)', 'CREW', '00000000-0000-0000-0005-000000000004', true),
 ('00000000-0000-0000-0009-000000000006', 'demo-crew-changhua-9', '赵船长 Captain Zhao (Changhua 9)', 'CREW', '00000000-0000-0000-0005-000000000005', true),
 ('00000000-0000-0000-0009-000000000007', 'demo-receiver-guoyuan', '周站长 Zhou (Guoyuan reception)', 'RECEIVER', '00000000-0000-0000-0006-000000000001', true),
 ('00000000-0000-0000-0009-000000000008', 'demo-receiver-chuanwei', '吴工 Wu (Chuanwei tank washing)', 'RECEIVER', '00000000-0000-0000-0006-000000000002', true),
 ('00000000-0000-0000-0009-000000000009', 'demo-receiver-zesheng', '郑工 Zheng (Zesheng tank washing)', 'RECEIVER', '00000000-0000-0000-0006-000000000003', true),
 ('00000000-0000-0000-0009-000000000010', 'demo-transporter-yuhuan', '孙调度 Sun (Yuhuan transport)', 'TRANSPORTER', '00000000-0000-0000-0006-000000000004', true),
 ('00000000-0000-0000-0009-000000000011', 'demo-disposer-sewage-plant', '钱厂长 Qian (Jiguanshi sewage plant)', 'DISPOSER', '00000000-0000-0000-0006-000000000005', true),
 ('00000000-0000-0000-0009-000000000012', 'demo-disposer-hazwaste', '冯主任 Feng (hazardous-waste plant)', 'DISPOSER', '00000000-0000-0000-0006-000000000006', true),
 ('00000000-0000-0000-0009-000000000013', 'demo-operator-guoyuan', '何经理 He (Guoyuan berths)', 'BERTH_OPERATOR', '00000000-0000-0000-0001-000000000001', true),
 ('00000000-0000-0000-0009-000000000014', 'demo-operator-chaotianmen', '许经理 Xu (Chaotianmen berths)', 'BERTH_OPERATOR', '00000000-0000-0000-0001-000000000002', true),
 ('00000000-0000-0000-0009-000000000015', 'demo-operator-changshou', '韩经理 Han (Changshou chemical berth)', 'BERTH_OPERATOR', '00000000-0000-0000-0001-000000000003', true),
 ('00000000-0000-0000-0009-000000000016', 'demo-bureau-msa', '重庆海事局稽查员 MSA inspector', 'BUREAU', '00000000-0000-0000-0002-000000000001', true),
 ('00000000-0000-0000-0009-000000000017', 'demo-bureau-transport', '市交通局科员 Transport bureau officer', 'BUREAU', '00000000-0000-0000-0002-000000000002', true),
 ('00000000-0000-0000-0009-000000000018', 'demo-bureau-environment', '市生态环境局科员 Environment bureau officer', 'BUREAU', '00000000-0000-0000-0002-000000000003', true),
 ('00000000-0000-0000-0009-000000000019', 'demo-bureau-changshou', '长寿海事处稽查员 Changshou maritime officer', 'BUREAU', '00000000-0000-0000-0002-000000000004', true);
