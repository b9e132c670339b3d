/**
 * A deterministic chat-like corpus for the search benchmark: 60 % Chinese lines, 30 % English, 10 %
 * mixed; words drawn from workplace vocabularies with a Zipf-like skew (so `的` is everywhere and
 * `候选人` is not), plus a long tail of people's names, codenames and ticket ids that are rare.
 */

const CHINESE_WORDS = (
  '的 了 是 我 你 在 有 不 这 个 们 就 也 吗 吧 好 一下 今天 明天 下午 上午 会议 发布 版本 需求 文档 评审 测试 上线 问题 客户 项目 进度 ' +
  '周报 方案 设计 接口 数据 服务器 部署 回滚 修复 确认 同步 安排 时间 地点 同事 团队 负责人 预算 合同 报价 采购 招聘 面试 候选人 入职 ' +
  '培训 绩效 目标 季度 年度 总结 计划 风险 依赖 延期 提前 完成 开始 讨论 反馈 意见 建议 附件 链接 截图 日志 报错 性能 优化 缓存 ' +
  '数据库 索引 查询 搜索 消息 群聊 通知 提醒 审批 请假 报销 出差 机票 酒店 会议室 预订 周一 周二 周三 周四 周五 北京 上海 深圳 杭州 ' +
  '用户 体验 产品 运营 市场 销售 财务 法务 行政 老板 经理 谢谢 收到 辛苦 没问题 好的 稍等 马上 看一下 麻烦 帮忙 一起 已经 还是 但是 ' +
  '因为 所以 如果 可以 需要 应该 可能 大家 我们 他们 这个 那个 什么 怎么 为什么'
).split(' ');
const ENGLISH_WORDS = (
  'the a to and of is in for on it this that we you i be will can please check release notes build deploy server client bug fix ' +
  'test review design doc meeting tomorrow today update status issue ticket merge branch main staging production rollback latency ' +
  'error timeout cache index query search message chat notify thanks ok sure done lgtm ship feature flag config migrate database ' +
  'schema api endpoint token auth login user customer report weekly sprint plan goal risk budget invoice contract hire interview ' +
  'onboarding kubernetes docker pipeline metrics dashboard alert incident postmortem'
).split(' ');
const SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
];
const GIVEN = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉建兰飞宇浩凯婷雪琳晨欣怡博文涵轩子豪梓睿嘉佳俊逸航昊然泽瑞诗悦彤雨萱思淼鑫',
];
const SYLLABLES = 'ka ri to mo na ze lu vi pe sa do gu fe bi xo qu ya ne ti ro'.split(' ');

export type Random = () => number;

/** mulberry32: the same seed gives the same corpus on every run and engine. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const skewed = <T>(random: Random, list: readonly T[]): T => list[Math.min(list.length - 1, Math.floor(list.length * random() ** 2.2))]!;
const uniform = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const personName = (random: Random) => uniform(random, SURNAMES) + uniform(random, GIVEN);
const codename = (random: Random) => uniform(random, SYLLABLES) + uniform(random, SYLLABLES) + uniform(random, SYLLABLES);

/** One chat line of 4–17 words, ~60 characters on average. */
export function chatLine(random: Random): string {
  const kind = random();
  const chinese = kind < 0.6;
  const words: string[] = [];
  const count = 4 + Math.floor(random() * 14);
  for (let index = 0; index < count; index++) {
    const useChinese = chinese || (kind >= 0.9 && random() < 0.5);
    words.push(useChinese ? skewed(random, CHINESE_WORDS) : skewed(random, ENGLISH_WORDS));
  }
  const tail = random();
  const at = Math.floor(random() * words.length);
  if (tail < 0.15) words.splice(at, 0, chinese ? personName(random) : codename(random));
  else if (tail < 0.25) words.splice(at, 0, `KITE-${Math.floor(random() * 100_000)}`);
  return chinese ? words.join('') + (random() < 0.5 ? '。' : '') : words.join(' ');
}

/** Queries of each kind people type, drawn evenly from the vocabularies: common and rare alike. */
export function searchQueries(random: Random, count: number) {
  const chineseCharacters = [...new Set([...CHINESE_WORDS.join(''), ...SURNAMES, ...GIVEN])];
  const twoCharacterWords = CHINESE_WORDS.filter((word) => [...word].length === 2);
  const latinWords = ENGLISH_WORDS.filter((word) => word.length >= 3);
  const draw = (make: () => string) => Array.from({ length: count }, make);
  return {
    'Latin word': draw(() => (random() < 0.8 ? uniform(random, latinWords) : codename(random))),
    '1 Chinese character': draw(() => uniform(random, chineseCharacters)),
    '2 Chinese characters': draw(() => (random() < 0.6 ? uniform(random, twoCharacterWords) : personName(random))),
  };
}
