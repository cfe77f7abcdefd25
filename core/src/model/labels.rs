//! Names of document fields in both languages, for messages a person reads
//! ("缺少承运人车牌号" rather than "缺少 /carrier/vehicle_plate").

use crate::locale::Bilingual;

/// Names of members, by JSON name.
const MEMBERS: &[(&str, &str, &str)] = &[
    ("number", "联单编号", "manifest number"),
    ("stage", "环节", "stage"),
    ("consignor", "移出人", "consignor"),
    ("carrier", "承运人", "carrier"),
    ("receiver", "接受人", "receiver"),
    ("enterprise", "单位", "enterprise"),
    (
        "credit_code",
        "统一社会信用代码",
        "unified social credit code",
    ),
    ("name", "名称", "name"),
    ("region", "所在行政区划", "region"),
    ("address", "地址", "address"),
    ("site_id", "场所编号", "site id"),
    (
        "permit_number",
        "道路运输经营许可证号",
        "transport permit number",
    ),
    ("vehicle_plate", "车牌号", "vehicle plate"),
    (
        "vehicle_licence",
        "车辆营运证件号",
        "vehicle operating licence",
    ),
    ("driver", "驾驶员", "driver"),
    (
        "qualification_number",
        "从业资格证号",
        "qualification number",
    ),
    (
        "licence_number",
        "危险废物经营许可证编号",
        "hazardous waste licence number",
    ),
    ("wastes", "废物", "waste"),
    ("code", "废物代码", "waste code"),
    ("category", "废物类别", "category"),
    ("hazards", "危险特性", "hazard characteristics"),
    ("form", "形态", "form"),
    ("packaging", "包装", "packaging"),
    ("quantity", "数量", "quantity"),
    ("received_quantity", "接受量", "received quantity"),
    ("method", "利用处置方式", "method"),
    ("created_at", "创建时间", "creation time"),
    ("dispatched_at", "移出时间", "dispatch time"),
    ("received_at", "接受时间", "receipt time"),
    ("confirmed_at", "接收确认时间", "confirmation time"),
    ("year", "年度", "year"),
    ("filed_at", "备案日期", "filing date"),
    ("declared_at", "申报日期", "declaration date"),
    ("track_id", "GPS 轨迹编号", "GPS track id"),
    ("waybill_number", "电子运单号", "electronic waybill number"),
];

/// Names of the values of closed fields a form offers as choices.
const VALUES: &[(&str, &str, &str)] = &[
    ("draft", "草稿", "draft"),
    ("submitted", "已提交", "submitted"),
    ("in_transit", "运输中", "in transit"),
    ("received", "已接收", "received"),
    ("confirmed", "已确认", "confirmed"),
    ("solid", "固态", "solid"),
    ("semi_solid", "半固态", "semi-solid"),
    ("liquid", "液态", "liquid"),
    ("gas", "气态", "gas"),
    ("t", "吨", "tonnes"),
    ("kg", "千克", "kilograms"),
    ("T", "毒性（T）", "toxicity (T)"),
    ("C", "腐蚀性（C）", "corrosivity (C)"),
    ("I", "易燃性（I）", "ignitability (I)"),
    ("R", "反应性（R）", "reactivity (R)"),
    ("In", "感染性（In）", "infectivity (In)"),
    ("manifest", "危险废物转移联单", "transfer manifest"),
    ("declaration", "年度申报", "annual declaration"),
    ("plan", "管理计划", "management plan"),
    ("ledger", "管理台账", "ledger"),
    ("storage", "贮存记录", "storage records"),
    ("district_report", "区县年度报告", "district report"),
];

/// The name of a closed field's value in both languages (a stage, a form, a
/// unit…), or the value itself when it has none.
pub fn value_label(value: &str) -> Bilingual {
    match VALUES.iter().find(|(v, _, _)| *v == value) {
        Some((_, zh, en)) => Bilingual::new(*zh, *en),
        None => Bilingual::new(value, value),
    }
}

fn member(name: &str) -> Option<(&'static str, &'static str)> {
    MEMBERS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, zh, en)| (*zh, *en))
}

/// The name of the field a JSON Pointer names, when every member on the way has a
/// name (`/carrier/vehicle_plate` → 承运人车牌号 / carrier's vehicle plate); list
/// indices are numbered from 1 for people (`/wastes/0/code` → 第 1 条废物的废物代码).
pub fn field_label(pointer: &str) -> Option<Bilingual> {
    let mut zh = String::new();
    let mut en: Vec<String> = Vec::new();
    let mut pending_index: Option<usize> = None;
    let mut previous = "";
    for segment in pointer.strip_prefix('/')?.split('/') {
        if let Ok(index) = segment.parse::<usize>() {
            pending_index = Some(index + 1);
            continue;
        }
        // A person's name is 姓名, a unit's 名称.
        let (z, e) = match (previous, segment) {
            ("driver", "name") => ("姓名", "name"),
            _ => member(segment)?,
        };
        previous = segment;
        if let Some(n) = pending_index.take() {
            // The list's own name was the last segment: "第 n 条废物的…".
            zh = format!("第 {n} 条{zh}的");
            if let Some(last) = en.last_mut() {
                *last = format!("{last} {n}");
            }
        }
        zh.push_str(z);
        en.push(e.to_owned());
    }
    if pending_index.is_some() {
        return None;
    }
    Some(Bilingual::new(zh, en.join("'s ")))
}

#[cfg(test)]
mod tests {
    use super::field_label;

    #[test]
    fn labels() {
        let l = field_label("/carrier/vehicle_plate").unwrap();
        assert_eq!(
            (l.zh.as_str(), l.en.as_str()),
            ("承运人车牌号", "carrier's vehicle plate")
        );
        let l = field_label("/wastes/0/code").unwrap();
        assert_eq!(
            (l.zh.as_str(), l.en.as_str()),
            ("第 1 条废物的废物代码", "waste 1's waste code")
        );
        assert_eq!(field_label("/number").unwrap().zh, "联单编号");
        assert_eq!(
            field_label("/carrier/driver/name").unwrap().zh,
            "承运人驾驶员姓名"
        );
        assert_eq!(field_label("/carrier/name").unwrap().zh, "承运人名称");
        assert_eq!(
            field_label("/wastes/0/form").unwrap().zh,
            "第 1 条废物的形态"
        );
        assert!(field_label("/no_such/field").is_none());
        assert!(field_label("/wastes/0").is_none());
    }
}
