import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ConfigProvider, App as AntApp, Spin } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { I18nProvider, useI18n } from './shared/i18n';
import { ApiError } from './shared/api';
import { Home } from './Home';

const ConsoleApp = lazy(() => import('./console/ConsoleApp'));
const ClerkApp = lazy(() => import('./clerk/ClerkApp'));
const ShopApp = lazy(() => import('./shop/ShopApp'));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx answer will not change on retry; a dropped connection might.
      retry: (n, err) => n < 2 && !(err instanceof ApiError && err.problem.status >= 400 && err.problem.status < 500),
      refetchOnWindowFocus: false,
      staleTime: 10_000,
    },
  },
});

const loading = <div style={{ padding: 64, textAlign: 'center' }}><Spin size="large" /></div>;

function Root() {
  const { lang } = useI18n();
  return (
    <ConfigProvider locale={lang === 'zh-CN' ? zhCN : enUS} theme={{ token: { colorPrimary: '#0f766e', borderRadius: 6 } }}>
      <AntApp>
        <Suspense fallback={loading}>
          <Routes>
            <Route path="/" element={<Home />} />
            <Route path="/console/*" element={<ConsoleApp />} />
            <Route path="/clerk/*" element={<ClerkApp />} />
            <Route path="/shop/*" element={<ShopApp />} />
            <Route path="*" element={<Home notFound />} />
          </Routes>
        </Suspense>
      </AntApp>
    </ConfigProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <BrowserRouter>
          <Root />
        </BrowserRouter>
      </I18nProvider>
    </QueryClientProvider>
  </StrictMode>,
);
