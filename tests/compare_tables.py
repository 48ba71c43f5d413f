"""Two years of one project, the tables the command line's and the service's comparison
tests both use (so that the service is checked against the same findings)."""

LAST = """\
project: {name: 2023年学生资助项目, department: 永德县教育体育局, year: 2023}
indicators:
  - {level1: 产出指标, level2: 数量指标, name: 学生受资助人数, comparator: ≧, target: '700', unit: 人次, actual: '735'}
  - {level1: 满意度指标, level2: 服务对象满意度指标, name: 学生满意度, target: ≥90%, actual: 85%}
"""
THIS = """\
project: {name: 2024年学生资助项目, department: 永德县教育体育局, year: 2024}
indicators:
  - {level1: 产出指标, level2: 数量指标, name: 1、学生受资助人数, comparator: ≧, target: '735', unit: 人次}
"""
