/**
 * The screens of the app frame, in navigation order (docs/architecture.md section 8). A screen
 * appears in the navigation only when it can do its work: onboarding while the device has no
 * profile, the others once it has one; settings and About always.
 */
import type { ComponentType } from 'react';
import type { ScreenId } from '../store/navigation-slice';
import { AboutScreen } from '../screens/about/AboutScreen';
import { ActivityScreen } from '../screens/activity/ActivityScreen';
import { ApprovalsScreen } from '../screens/approvals/ApprovalsScreen';
import { DevicesScreen } from '../screens/devices/DevicesScreen';
import { MailScreen } from '../screens/mail/MailScreen';
import { NetworkScreen } from '../screens/network/NetworkScreen';
import { OnboardingScreen } from '../screens/onboarding/OnboardingScreen';
import { PasswordsScreen } from '../screens/passwords/PasswordsScreen';
import { ProfileScreen } from '../screens/profile/ProfileScreen';
import { SettingsScreen } from '../screens/settings/SettingsScreen';
import { TrustScreen } from '../screens/trust/TrustScreen';

export interface ScreenEntry {
  readonly id: ScreenId;
  /** The label in the navigation. */
  readonly label: string;
  /** Shown while the device has no profile, has one, or always. */
  readonly shownWhen: 'no-profile' | 'profile' | 'always';
  readonly Component: ComponentType;
}

export const screens: readonly ScreenEntry[] = [
  { id: 'onboarding', label: 'Get started', shownWhen: 'no-profile', Component: OnboardingScreen },
  { id: 'passwords', label: 'Passwords', shownWhen: 'profile', Component: PasswordsScreen },
  { id: 'approvals', label: 'Approvals', shownWhen: 'profile', Component: ApprovalsScreen },
  { id: 'devices', label: 'Devices', shownWhen: 'profile', Component: DevicesScreen },
  { id: 'mail', label: 'Mail', shownWhen: 'profile', Component: MailScreen },
  { id: 'profile', label: 'Master profile', shownWhen: 'profile', Component: ProfileScreen },
  { id: 'network', label: 'Network', shownWhen: 'profile', Component: NetworkScreen },
  { id: 'trust', label: 'Trust', shownWhen: 'profile', Component: TrustScreen },
  { id: 'activity', label: 'Activity', shownWhen: 'profile', Component: ActivityScreen },
  { id: 'settings', label: 'Settings', shownWhen: 'always', Component: SettingsScreen },
  { id: 'about', label: 'About this device', shownWhen: 'always', Component: AboutScreen },
];

/** The screens to offer, given whether the device holds a profile. */
export function visibleScreens(hasProfile: boolean): readonly ScreenEntry[] {
  return screens.filter(
    (screen) =>
      screen.shownWhen === 'always' || screen.shownWhen === (hasProfile ? 'profile' : 'no-profile'),
  );
}

/** The id every screen gives its heading, which the frame focuses on a change of screen. */
export const SCREEN_HEADING_ID = 'screen-heading';
