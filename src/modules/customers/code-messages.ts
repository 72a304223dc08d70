import type { Locale } from './contact.js';

export interface CodeMessage {
  subject: string;
  text: string;
}

/** The words a shopper reads with their sign-in code, per locale. */
export function signInCodeMessage(locale: Locale, code: string, minutes: number): CodeMessage {
  if (locale === 'zh-CN') {
    return {
      subject: '您的登录验证码',
      text: `您的登录验证码是 ${code}，${minutes} 分钟内有效。请勿告诉他人；如非本人操作，请忽略本消息。`,
    };
  }
  return {
    subject: 'Your sign-in code',
    text: `Your sign-in code is ${code}. It expires in ${minutes} minutes. Do not share it; if you did not ask for it, ignore this message.`,
  };
}
