import type { LocalizedText } from '@kite/ui/i18n';

/**
 * Readable names for the audit actions the foundation modules record. Unknown actions (from
 * modules added later) are shown by their code, which is always displayed as well.
 */
export const auditActionLabels: Readonly<Record<string, LocalizedText>> = {
  'auth.tenant.created': { 'en-US': 'Organisation created', 'zh-CN': '创建组织' },
  'auth.login.succeeded': { 'en-US': 'Signed in', 'zh-CN': '登录成功' },
  'auth.login.failed': { 'en-US': 'Sign-in failed', 'zh-CN': '登录失败' },
  'auth.logout': { 'en-US': 'Signed out', 'zh-CN': '退出登录' },
  'auth.invitation.created': { 'en-US': 'Invitation link created', 'zh-CN': '创建邀请链接' },
  'auth.invitation.revoked': { 'en-US': 'Invitation link revoked', 'zh-CN': '撤销邀请链接' },
  'auth.invitation.accepted': { 'en-US': 'Joined by invitation', 'zh-CN': '通过邀请加入' },
  'auth.password.changed': { 'en-US': 'Password changed', 'zh-CN': '修改密码' },
  'contact.user.created': { 'en-US': 'Person added', 'zh-CN': '添加成员' },
  'contact.user.updated': { 'en-US': 'Person edited', 'zh-CN': '编辑成员' },
  'contact.user.deactivated': { 'en-US': 'Person deactivated', 'zh-CN': '停用成员' },
  'contact.user.reactivated': { 'en-US': 'Person reactivated', 'zh-CN': '重新启用成员' },
  'contact.department.created': { 'en-US': 'Department created', 'zh-CN': '创建部门' },
  'contact.department.updated': { 'en-US': 'Department edited', 'zh-CN': '编辑部门' },
  'contact.department.deleted': { 'en-US': 'Department deleted', 'zh-CN': '删除部门' },
  'contact.group.created': { 'en-US': 'User group created', 'zh-CN': '创建用户组' },
  'contact.group.updated': { 'en-US': 'User group edited', 'zh-CN': '编辑用户组' },
  'contact.group.deleted': { 'en-US': 'User group deleted', 'zh-CN': '删除用户组' },
  'contact.users.imported': { 'en-US': 'People imported from CSV', 'zh-CN': '通过 CSV 导入成员' },
  'openplatform.app.created': { 'en-US': 'App created', 'zh-CN': '创建应用' },
  'openplatform.app.updated': { 'en-US': 'App edited', 'zh-CN': '编辑应用' },
  'openplatform.app.secret_rotated': { 'en-US': 'App secret rotated', 'zh-CN': '重置应用密钥' },
  'openplatform.app.deleted': { 'en-US': 'App deleted', 'zh-CN': '删除应用' },
  'openplatform.token.revoked': { 'en-US': 'Access token revoked', 'zh-CN': '撤销访问令牌' },
};
